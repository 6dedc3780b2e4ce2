#include "runtime/data/frame.h"

#include "runtime/io/frame_io.h"

#include "kernels/ops.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace linea {
namespace {

FramePtr mixed() {
    auto f = std::make_shared<FrameBlock>(
        2, std::vector<ValueType>{ValueType::String, ValueType::Double, ValueType::Int, ValueType::Bool},
        std::vector<std::string>{"name", "x", "n", "ok"});
    f->set(0, 0, Value("a,b"));
    f->set(1, 0, Value("c"));
    f->set(0, 1, Value(1.5));
    f->set(1, 1, Value(-2.0));
    f->set(0, 2, Value(int64_t{7}));
    f->set(1, 2, Value("8"));
    f->set(0, 3, Value(true));
    f->set(1, 3, Value("FALSE"));
    return f;
}

TEST(Frame, FromMatrixHasFp64ColumnsWithDefaultNames) {
    kernels::MatrixPtr m = kernels::from_values({1, 2, 3, 4, 5, 6}, 2, 3, true);
    FramePtr f = FrameBlock::from_matrix(*m);
    EXPECT_EQ(f->rows(), 2);
    EXPECT_EQ(f->cols(), 3);
    EXPECT_TRUE(f->default_names());
    EXPECT_EQ(f->column_name(2), "C3");
    EXPECT_EQ(f->schema_names(), (std::vector<std::string>{"FP64", "FP64", "FP64"}));
    EXPECT_EQ(f->get(1, 2).to_double(), 6.0);
    kernels::MatrixPtr back = f->to_matrix();
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j) EXPECT_EQ(back->get(i, j), m->get(i, j));
}

TEST(Frame, CellsKeepTheirColumnType) {
    FramePtr f = mixed();
    EXPECT_TRUE(f->get(0, 0).is_string());
    EXPECT_TRUE(f->get(0, 1).is_double());
    EXPECT_TRUE(f->get(1, 2).is_int());
    EXPECT_EQ(f->get(1, 2).as_int_unchecked(), 8);
    EXPECT_TRUE(f->get(1, 3).is_bool());
    EXPECT_FALSE(f->get(1, 3).as_bool_unchecked());
    EXPECT_THROW(std::const_pointer_cast<FrameBlock>(f)->set(0, 1, Value("abc")), FrameCellError);
}

TEST(Frame, ToStringMatchesSystemDsLayout) {
    EXPECT_EQ(mixed()->to_string(),
              "# FRAME: nrow = 2, ncol = 4\n# name x n ok\n# STRING FP64 INT64 BOOLEAN\n"
              "a,b 1.500 7 TRUE\nc -2.000 8 FALSE\n");
}

TEST(Frame, AsMatrixRejectsNonNumericStrings) {
    try {
        mixed()->to_matrix();
        FAIL() << "expected FrameCellError";
    } catch (const FrameCellError &e) {
        EXPECT_NE(std::string(e.what()).find("cell (1, 1) of column name ('a,b') is not a number"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Frame, SliceKeepsNamesAndTypes) {
    FramePtr s = mixed()->slice(1, 2, 1, 3);
    EXPECT_EQ(s->rows(), 1);
    EXPECT_EQ(s->cols(), 2);
    EXPECT_EQ(s->column_name(0), "x");
    EXPECT_EQ(s->type(1), ValueType::Int);
    EXPECT_EQ(s->get(0, 0).to_double(), -2.0);
}

TEST(Frame, BindsCheckShapes) {
    FramePtr a = mixed();
    FramePtr c = FrameBlock::cbind({a.get(), a.get()});
    EXPECT_EQ(c->cols(), 8);
    EXPECT_EQ(c->column_name(4), "name");
    FramePtr r = FrameBlock::rbind({a.get(), a.get()});
    EXPECT_EQ(r->rows(), 4);
    EXPECT_EQ(r->get(3, 0).as_string_unchecked(), "c");
    FramePtr one = a->slice(0, 1, 0, 4);
    EXPECT_THROW(FrameBlock::cbind({a.get(), one.get()}), std::invalid_argument);
    FramePtr narrow = a->slice(0, 2, 0, 2);
    EXPECT_THROW(FrameBlock::rbind({a.get(), narrow.get()}), std::invalid_argument);
}

TEST(Frame, CsvRoundTripKeepsSchemaAndNames) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("linea_frame_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "f.csv").string();
    io::write_frame_csv(path, *mixed(), true, ",", "");
    io::FrameReadOptions o;
    o.header = true;
    o.schema = io::read_frame_schema(path);
    ASSERT_EQ(o.schema.size(), 4u);
    FramePtr back = io::read_frame_csv(path, o);
    EXPECT_EQ(back->to_string(), mixed()->to_string());
    std::ofstream(path) << "a,1\nb,2,3\n";
    EXPECT_THROW(io::read_frame_csv(path, io::FrameReadOptions{}), io::IoError);
    fs::remove_all(dir);
}

} // namespace
} // namespace linea
