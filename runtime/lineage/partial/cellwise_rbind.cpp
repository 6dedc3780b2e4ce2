// rbind(X,D) op rbind(Y,E) -> rbind(X op Y, D op E)   for op in + - *
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr cellwise_rbind(const Target &t) {
    return cellwise_bind(t, "rbind");
}

} // namespace linea::lineage::partial
