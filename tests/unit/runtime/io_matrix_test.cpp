#include "runtime/io/matrix_io.h"

#include "kernels/ops.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>

namespace linea::io {
namespace {

namespace fs = std::filesystem;
using kernels::MatrixBlock;

class IoTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("linea_io_test_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const std::string &name) const { return (dir_ / name).string(); }
    void put(const std::string &name, const std::string &text) const { std::ofstream(path(name)) << text; }
    static std::string slurp(const std::string &p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    fs::path dir_;
};

std::shared_ptr<MatrixBlock> sample(int64_t r, int64_t c) {
    auto m = std::make_shared<MatrixBlock>(r, c, 0.0);
    for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < c; ++j)
            if ((i + 2 * j) % 3 != 0) m->set(i, j, (i + 1) * 0.1 - j * 1.5e-7 + (j == 1 ? 1e10 : 0));
    if (r > 0 && c > 0) m->set(0, 0, -std::numeric_limits<double>::infinity());
    m->recompute_nnz();
    return m;
}

ReadOptions fmt_opts(const std::string &format) {
    ReadOptions o;
    o.format = format;
    return o;
}

WriteOptions wfmt(const std::string &format) {
    WriteOptions o;
    o.format = format;
    return o;
}

void expect_equal(const MatrixBlock &a, const MatrixBlock &b) {
    ASSERT_EQ(a.rows(), b.rows());
    ASSERT_EQ(a.cols(), b.cols());
    for (int64_t k = 0; k < a.cells(); ++k) ASSERT_EQ(a.data()[k], b.data()[k]) << k;
}

TEST_F(IoTest, RoundTripAllFormatsAndShapes) {
    for (const char *format : {"text", "csv", "mm"})
        for (auto [r, c] : std::vector<std::pair<int64_t, int64_t>>{{5, 4}, {1, 1}, {3, 1}, {1, 3}}) {
            for (bool zero : {false, true}) {
                auto m = zero ? std::make_shared<MatrixBlock>(r, c, 0.0) : sample(r, c);
                const std::string p = path(std::string("m_") + format);
                WriteOptions wo;
                wo.format = format;
                write_matrix(p, *m, wo);
                auto back = read_matrix(p, ReadOptions{});
                expect_equal(*m, *back);
                EXPECT_EQ(back->nnz(), m->nnz());
            }
        }
}

TEST_F(IoTest, EmptyMatrices) {
    for (const char *format : {"text", "csv", "mm"}) {
        MatrixBlock m(0, 0);
        WriteOptions wo;
        wo.format = format;
        write_matrix(path("e"), m, wo);
        auto back = read_matrix(path("e"), ReadOptions{});
        EXPECT_EQ(back->rows(), 0);
        EXPECT_EQ(back->cols(), 0);
    }
}

TEST_F(IoTest, TextFormatDetails) {
    auto m = std::make_shared<MatrixBlock>(2, 3, 0.0);
    m->set(0, 1, 27.0);
    m->set(1, 2, 1e-5);
    m->recompute_nnz();
    write_matrix(path("t"), *m, WriteOptions{});
    EXPECT_EQ(slurp(path("t")), "1 2 27.0\n2 3 1.0E-5\n");
    write_matrix(path("z"), MatrixBlock(2, 2), WriteOptions{});
    EXPECT_EQ(slurp(path("z")), "0 0 0\n");
    // Readers accept "1 1 0.0" and skip zeros.
    put("x.txt", "1 1 0.0\n2 2 3\n");
    ReadOptions ro;
    ro.format = "text";
    ro.rows = 2;
    ro.cols = 2;
    auto x = read_matrix(path("x.txt"), ro);
    EXPECT_EQ(x->nnz(), 1);
    EXPECT_EQ(x->get(1, 1), 3);
}

TEST_F(IoTest, MtdContents) {
    WriteOptions wo;
    wo.format = "csv";
    wo.header = true;
    wo.sep = ";";
    wo.description = "demo";
    write_matrix(path("c"), *sample(3, 2), wo);
    auto j = nlohmann::json::parse(slurp(path("c") + ".mtd"));
    EXPECT_EQ(j["data_type"], "matrix");
    EXPECT_EQ(j["value_type"], "double");
    EXPECT_EQ(j["rows"], 3);
    EXPECT_EQ(j["cols"], 2);
    EXPECT_EQ(j["nnz"], sample(3, 2)->nnz());
    EXPECT_EQ(j["format"], "csv");
    EXPECT_EQ(j["header"], true);
    EXPECT_EQ(j["sep"], ";");
    EXPECT_EQ(j["description"], "demo");
    EXPECT_EQ(j["author"], "linea");
    EXPECT_TRUE(j.contains("created"));
    auto meta = read_mtd(path("c"));
    ASSERT_TRUE(meta);
    EXPECT_EQ(meta->rows, 3);
    EXPECT_TRUE(meta->header);
    EXPECT_EQ(meta->sep, ";");
    EXPECT_FALSE(read_mtd(path("nothing")));
    expect_equal(*sample(3, 2), *read_matrix(path("c"), ReadOptions{}));
    put("bad.mtd", "{ not json");
    EXPECT_THROW(read_mtd(path("bad")), IoError);
}

TEST_F(IoTest, ScalarFiles) {
    write_scalar(path("s"), "3.5", "double");
    EXPECT_EQ(read_scalar_text(path("s")), "3.5");
    auto meta = read_mtd(path("s"));
    ASSERT_TRUE(meta);
    EXPECT_EQ(meta->data_type, "scalar");
    EXPECT_EQ(meta->value_type, "double");
    EXPECT_THROW(read_matrix(path("s"), ReadOptions{}), IoError);
}

TEST_F(IoTest, CsvOptions) {
    put("a.csv", "x,y,z\n1,,3\nNA, 5 ,6\n");
    ReadOptions ro;
    ro.format = "csv";
    ro.header = true;
    ro.fill_value = -1;
    ro.na_strings = {"NA"};
    auto m = read_matrix(path("a.csv"), ro);
    ASSERT_EQ(m->rows(), 2);
    ASSERT_EQ(m->cols(), 3);
    EXPECT_EQ(m->get(0, 1), -1);
    EXPECT_TRUE(std::isnan(m->get(1, 0)));
    EXPECT_EQ(m->get(1, 1), 5);
    ro.fill = false;
    try {
        read_matrix(path("a.csv"), ro);
        FAIL();
    } catch (const IoError &e) {
        EXPECT_NE(std::string(e.what()).find("a.csv:2:"), std::string::npos) << e.what();
    }
    put("r.csv", "1,2\n3\n");
    ReadOptions rc;
    rc.format = "csv";
    try {
        read_matrix(path("r.csv"), rc);
        FAIL();
    } catch (const IoError &e) {
        EXPECT_NE(std::string(e.what()).find("r.csv:2: expected 2 fields, found 1"), std::string::npos)
            << e.what();
    }
    put("t.csv", "1\t2\n3\t4\n");
    rc.sep = "\t";
    rc.rows = 2;
    EXPECT_EQ(read_matrix(path("t.csv"), rc)->get(1, 1), 4);
    rc.rows = 3;
    EXPECT_THROW(read_matrix(path("t.csv"), rc), IoError);
}

TEST_F(IoTest, MalformedFilesNameFileAndLine) {
    put("m.txt", "1 1 1.0\n2 2 abc\n");
    ReadOptions ro;
    ro.format = "text";
    ro.rows = 4;
    ro.cols = 4;
    try {
        read_matrix(path("m.txt"), ro);
        FAIL();
    } catch (const IoError &e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("m.txt:2:"), std::string::npos) << msg;
        EXPECT_NE(msg.find("'abc'"), std::string::npos) << msg;
    }
    put("o.txt", "1 1 1\n2 2 2\n5 1 3\n");
    try {
        read_matrix(path("o.txt"), ro);
        FAIL();
    } catch (const IoError &e) {
        EXPECT_EQ(std::string(e.what()), path("o.txt") + ":3: index (5,1) out of range for a 4x4 matrix");
    }
    ReadOptions nodims;
    nodims.format = "text";
    EXPECT_THROW(read_matrix(path("o.txt"), nodims), IoError);
    try {
        read_matrix(path("missing.csv"), fmt_opts("csv"));
        FAIL();
    } catch (const IoError &e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot read '" + path("missing.csv") + "': No such file or directory");
    }
    put("b.mm", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n");
    EXPECT_THROW(read_matrix(path("b.mm"), fmt_opts("mm")), IoError);
    put("c.mm", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 x 1\n");
    try {
        read_matrix(path("c.mm"), fmt_opts("mm"));
        FAIL();
    } catch (const IoError &e) {
        EXPECT_NE(std::string(e.what()).find("c.mm:3:"), std::string::npos) << e.what();
    }
}

TEST_F(IoTest, DimensionsMustAgreeWithMtd) {
    write_matrix(path("d"), *sample(3, 2), WriteOptions{});
    ReadOptions ro;
    ro.rows = 4;
    EXPECT_THROW(read_matrix(path("d"), ro), IoError);
    ro.rows = 3;
    EXPECT_NO_THROW(read_matrix(path("d"), ro));
}

TEST_F(IoTest, MatrixMarketVariants) {
    put("sym.mm", "%%MatrixMarket matrix coordinate integer symmetric\n% comment\n3 3 2\n2 1 4\n3 3 5\n");
    auto s = read_matrix(path("sym.mm"), fmt_opts("mm"));
    EXPECT_EQ(s->get(0, 1), 4);
    EXPECT_EQ(s->get(1, 0), 4);
    EXPECT_EQ(s->get(2, 2), 5);
    put("pat.mm", "%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n");
    auto p = read_matrix(path("pat.mm"), fmt_opts("mm"));
    EXPECT_EQ(p->get(0, 2), 1);
    EXPECT_EQ(p->nnz(), 2);
    put("arr.mm", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n");
    auto a = read_matrix(path("arr.mm"), fmt_opts("mm"));
    EXPECT_EQ(a->get(1, 0), 2); // column-major
    EXPECT_EQ(a->get(0, 1), 3);
    put("sarr.mm", "%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n");
    auto sa = read_matrix(path("sarr.mm"), fmt_opts("mm"));
    EXPECT_EQ(sa->get(0, 1), 2);
    EXPECT_EQ(sa->get(1, 0), 2);
    EXPECT_EQ(sa->get(1, 1), 3);
    write_matrix(path("w.mm"), *sample(2, 2), wfmt("mm"));
    EXPECT_EQ(slurp(path("w.mm")).rfind("%%MatrixMarket matrix coordinate real general\n2 2 ", 0), 0u);
}

TEST_F(IoTest, DirectoryOfPartFiles) {
    fs::create_directories(dir_ / "parts");
    put("parts/part-00001", "3 1 3\n");
    put("parts/part-00000", "1 1 1\n2 2 2\n");
    put("parts/.part-00000.crc", "garbage");
    put("parts/_SUCCESS", "");
    ReadOptions ro;
    ro.format = "text";
    ro.rows = 3;
    ro.cols = 2;
    auto m = read_matrix(path("parts"), ro);
    EXPECT_EQ(m->get(0, 0), 1);
    EXPECT_EQ(m->get(2, 0), 3);
    EXPECT_EQ(m->nnz(), 3);
    fs::create_directories(dir_ / "cparts");
    put("cparts/0", "1,2\n");
    put("cparts/1", "3,4\n");
    auto c = read_matrix(path("cparts"), fmt_opts("csv"));
    EXPECT_EQ(c->rows(), 2);
    EXPECT_EQ(c->get(1, 0), 3);
}

} // namespace
} // namespace linea::io
