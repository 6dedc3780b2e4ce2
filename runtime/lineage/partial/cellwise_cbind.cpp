// cbind(X,D) op cbind(Y,E) -> cbind(X op Y, D op E)   for op in + - *
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr cellwise_cbind(const Target &t) {
    return cellwise_bind(t, "cbind");
}

} // namespace linea::lineage::partial
