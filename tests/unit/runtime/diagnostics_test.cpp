// DmlError notes: an error keeps its kind, position and message when a note is appended.
#include "runtime/util/diagnostics.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace linea {
namespace {

TEST(Diagnostics, NoteIsAppendedAfterTheCaret) {
    auto lib = std::make_shared<const SourceFile>("lib.dml", "x = 1\n  stop(\"bad\")\n");
    auto user = std::make_shared<const SourceFile>("main.dml", "y = f(2)\n");
    DmlError e(ErrorKind::Runtime, SourceLoc{lib, 2, 3}, "bad");
    DmlError n = e.with_note(SourceLoc{user, 1, 5}, "in the call to 'f' here");
    EXPECT_EQ(n.kind(), ErrorKind::Runtime);
    EXPECT_EQ(n.message(), "bad");
    EXPECT_EQ(n.loc().line, 2);
    EXPECT_EQ(std::string(n.what()), std::string(e.what()) + "\nmain.dml:1:5: note: in the call to 'f' here");
    // notes stack, innermost call first
    DmlError n2 = n.with_note(SourceLoc{user, 1, 1}, "outer");
    EXPECT_EQ(std::string(n2.what()), std::string(n.what()) + "\nmain.dml:1:1: note: outer");
}

} // namespace
} // namespace linea
