#include "runtime/io/matrix_io.h"

#include "runtime/io/checksum.h"
#include "runtime/io/output_file.h"

#include "kernels/ops.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
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
    for (const char *format : {"text", "csv", "mm", "binary"})
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
    for (const char *format : {"text", "csv", "mm", "binary"}) {
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

std::string error_of(const std::function<void()> &fn) {
    try {
        fn();
    } catch (const IoError &e) {
        return e.what();
    }
    return "<no error>";
}

TEST(IoChecksum, Xxh64KnownValues) {
    EXPECT_EQ(xxh64("", 0), 0xEF46DB3751D8E999ULL);
    EXPECT_EQ(xxh64("abc", 3), 0x44BC2CF5AD770999ULL);
    // Longer inputs take the 32-byte stripe path; every byte matters.
    std::string s(1000, 'x');
    const uint64_t h = xxh64(s.data(), s.size());
    s[517] = 'y';
    EXPECT_NE(xxh64(s.data(), s.size()), h);
    EXPECT_NE(xxh64(s.data(), s.size(), 1), xxh64(s.data(), s.size()));
}

TEST_F(IoTest, BinaryFormatLayoutAndCorruption) {
    const std::string p = path("b");
    write_matrix(p, *sample(4, 3), wfmt("binary"));
    const std::string good = slurp(p);
    ASSERT_EQ(good.size(), 64u + 12 * 8);
    EXPECT_EQ(good.substr(0, 8), "LINEAMTX");
    ASSERT_TRUE(read_mtd(p));
    EXPECT_EQ(read_mtd(p)->format, "binary");
    EXPECT_EQ(read_mtd(p)->nnz, sample(4, 3)->nnz());
    expect_equal(*sample(4, 3), *read_matrix(p, ReadOptions{}));
    auto expect_error = [&](const std::string &bytes, const std::string &what) {
        put("b", bytes);
        const std::string msg = error_of([&] { read_matrix(p, ReadOptions{}); });
        EXPECT_EQ(msg.rfind("cannot read '" + p + "': ", 0), 0u) << msg;
        EXPECT_NE(msg.find(what), std::string::npos) << msg;
    };
    std::string bad = good;
    bad[64 + 17] ^= 1;
    expect_error(bad, "checksum mismatch (stored 0x");
    expect_error(good.substr(0, 100), "truncated: expected 160 bytes, found 100");
    expect_error(good.substr(0, 10), "truncated: expected at least 64 bytes (the binary header), found 10");
    expect_error("", "truncated");
    expect_error(good + "x", "unexpected trailing data: expected 160 bytes, found 161");
    bad = good;
    bad[20] ^= 1; // rows
    expect_error(bad, "corrupt header (checksum mismatch)");
    bad = good;
    bad[0] = 'X';
    expect_error(bad, "not a linea binary matrix file (bad magic number)");
    put("b", good);
    ReadOptions ro;
    ro.format = "binary";
    ro.cols = 4;
    EXPECT_THROW(read_matrix(p, ro), IoError); // disagrees with the .mtd
    fs::remove(p + ".mtd");
    EXPECT_NE(error_of([&] { read_matrix(p, ro); }).find("holds a 4x3 matrix but 4x4 was expected"),
              std::string::npos);
    ro.cols.reset();
    expect_equal(*sample(4, 3), *read_matrix(p, ro)); // dimensions come from the header
}

TEST_F(IoTest, BinaryReadKeepsItsValuesWhenThePathIsRewritten) {
    const std::string p = path("m");
    write_matrix(p, *sample(40, 30), wfmt("binary"));
    const auto a = read_matrix(p, ReadOptions{}); // a private mapping of the file
    EXPECT_EQ(a->nnz(), sample(40, 30)->nnz());
    write_matrix(p, *sample(2, 2), wfmt("csv")); // shorter: an in-place overwrite would truncate a's pages
    expect_equal(*sample(40, 30), *a);
    expect_equal(*sample(2, 2), *read_matrix(p, fmt_opts("csv")));
    std::const_pointer_cast<MatrixBlock>(a)->set(0, 1, 42.0); // copy-on-write page, not the file
    EXPECT_EQ(a->get(0, 1), 42.0);
    expect_equal(*sample(2, 2), *read_matrix(p, fmt_opts("csv")));
}

TEST_F(IoTest, OutputFileReplacesOnlyOnCommit) {
    put("x", "old");
    {
        OutputFile f(path("x"));
        f.write("new", 3);
    } // never committed: the old file stays, the temporary is removed
    EXPECT_EQ(slurp(path("x")), "old");
    {
        OutputFile f(path("x"));
        f.write("new", 3);
        f.commit();
    }
    EXPECT_EQ(slurp(path("x")), "new");
    size_t files = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir_)) ++files;
    EXPECT_EQ(files, 1u);
    // Missing parent directories are created (as SystemDS does); a parent that is a file is an error.
    {
        OutputFile f(path("no_such_dir/sub/x"));
        f.write("abc", 3);
        f.commit();
    }
    EXPECT_EQ(slurp(path("no_such_dir/sub/x")), "abc");
    const std::string msg = error_of([&] { OutputFile f(path("x/y")); });
    EXPECT_EQ(msg, "cannot write '" + path("x/y") + "': Not a directory");
}

TEST_F(IoTest, BinaryDirectoryOfPartFiles) {
    fs::create_directories(dir_ / "bparts");
    auto a = sample(3, 2), b = sample(2, 2);
    write_matrix(path("bparts/part-0"), *a, wfmt("binary"));
    write_matrix(path("bparts/part-1"), *b, wfmt("binary"));
    auto m = read_matrix(path("bparts"), fmt_opts("binary"));
    ASSERT_EQ(m->rows(), 5);
    ASSERT_EQ(m->cols(), 2);
    for (int64_t j = 0; j < 2; ++j) {
        EXPECT_EQ(m->get(2, j), a->get(2, j));
        EXPECT_EQ(m->get(4, j), b->get(1, j));
    }
    EXPECT_EQ(m->nnz(), a->nnz() + b->nnz());
    write_matrix(path("bparts/part-2"), *sample(1, 3), wfmt("binary"));
    const std::string msg = error_of([&] { read_matrix(path("bparts"), fmt_opts("binary")); });
    EXPECT_NE(msg.find("part-2': this part holds 3 columns but the first part 2"), std::string::npos) << msg;
}

/// Puts the default thread count back when a test ends.
struct ThreadsGuard {
    ~ThreadsGuard() { kernels::set_num_threads(0); }
};

/// Reads `p` on one thread (one range per file) and on four (many ranges); both must agree exactly,
/// in the matrix or in the error message. Returns the matrix, or nullptr and the message.
std::pair<kernels::MatrixPtr, std::string> read_both_ways(const std::string &p, const ReadOptions &ro) {
    std::pair<kernels::MatrixPtr, std::string> res[2];
    for (int k = 0; k < 2; ++k) {
        kernels::set_num_threads(k == 0 ? 1 : 4);
        try {
            res[k].first = read_matrix(p, ro);
        } catch (const IoError &e) {
            res[k].second = e.what();
        }
    }
    EXPECT_EQ(res[0].second, res[1].second);
    EXPECT_EQ(!res[0].first, !res[1].first);
    if (res[0].first && res[1].first) {
        expect_equal(*res[0].first, *res[1].first);
        EXPECT_EQ(res[0].first->nnz(), res[1].first->nnz());
    }
    return res[1];
}

std::string join_lines(const std::vector<std::string> &lines) {
    std::string out;
    for (size_t k = 0; k < lines.size(); ++k) out += lines[k] + (k % 7 == 3 ? "\r\n" : "\n"); // some CRLF
    return out;
}

TEST_F(IoTest, ParallelCsvParseEqualsSequential) {
    ThreadsGuard guard;
    const int64_t rows = 60000, cols = 10;
    std::vector<std::string> lines{"a,b,c,d,e,f,g,h,i,j"}; // header
    for (int64_t i = 0; i < rows; ++i) {
        std::string l;
        for (int64_t j = 0; j < cols; ++j) {
            if (j > 0) l += ',';
            if ((i + j) % 97 != 0) l += std::to_string(((i * 31 + j * 7) % 1000) * 0.37 - 100); // else empty
        }
        lines.push_back(l);
        if (i % 1000 == 500) lines.push_back("  "); // blank lines are skipped
    }
    const std::string p = path("big.csv");
    put("big.csv", join_lines(lines));
    ASSERT_GT(fs::file_size(p), size_t{5} << 20);
    ReadOptions ro;
    ro.format = "csv";
    ro.header = true;
    ro.fill_value = -7;
    auto [m, err] = read_both_ways(p, ro);
    ASSERT_TRUE(m) << err;
    ASSERT_EQ(m->rows(), rows);
    ASSERT_EQ(m->cols(), cols);
    EXPECT_EQ(m->get(rows - 1, 3), ((rows - 1) * 31 + 21) % 1000 * 0.37 - 100);
    EXPECT_EQ(m->get(0, 0), -7); // (0 + 0) % 97 == 0: an empty field, filled
    // Errors in late ranges name the right line; the first error in the file wins.
    const size_t late = lines.size() - 100, later = lines.size() - 10;
    std::vector<std::string> bad = lines;
    bad[later] = "1,2,3";
    put("big.csv", join_lines(bad));
    EXPECT_EQ(read_both_ways(p, ro).second,
              p + ":" + std::to_string(later + 1) + ": expected 10 fields, found 3");
    bad[late] = "1,2,x,4,5,6,7,8,9,10";
    put("big.csv", join_lines(bad));
    EXPECT_EQ(read_both_ways(p, ro).second,
              p + ":" + std::to_string(late + 1) + ": malformed number 'x' in column 3");
    ro.fill = false;
    const std::string msg = read_both_ways(p, ro).second;
    EXPECT_EQ(msg, p + ":2: empty field in column 1 (fill=FALSE)");
}

TEST_F(IoTest, ParallelTextParseEqualsSequential) {
    ThreadsGuard guard;
    const int64_t rows = 50000, cols = 12;
    std::vector<std::string> lines{"7 5 1.5"}; // listed again at the end: the last value wins
    for (int64_t i = 1; i <= rows; ++i)
        for (int64_t j = 1; j <= cols; ++j)
            if ((i + j) % 3 != 0)
                lines.push_back(std::to_string(i) + " " + std::to_string(j) + " " +
                                std::to_string((i * 13 + j) % 101 - 50));
    lines.insert(lines.begin() + 100000, "0 0 0");
    lines.push_back("7 5 2.5");
    const std::string p = path("big.ijv");
    put("big.ijv", join_lines(lines));
    ASSERT_GT(fs::file_size(p), size_t{4} << 20);
    ReadOptions ro;
    ro.format = "text";
    ro.rows = rows;
    ro.cols = cols;
    auto [m, err] = read_both_ways(p, ro);
    ASSERT_TRUE(m) << err;
    EXPECT_EQ(m->get(6, 4), 2.5);
    EXPECT_EQ(m->get(rows - 1, cols - 1), (rows * 13 + cols) % 101 - 50);
    std::vector<std::string> bad = lines;
    const size_t late = lines.size() - 1000;
    bad[late] = "70000 1 3";
    put("big.ijv", join_lines(bad));
    EXPECT_EQ(read_both_ways(p, ro).second,
              p + ":" + std::to_string(late + 1) + ": index (70000,1) out of range for a 50000x12 matrix");
}

} // namespace
} // namespace linea::io

namespace linea::io {
namespace {

/// A 200x100 block with 1% non-zeros, stored as CSR.
kernels::MatrixPtr sparse_sample() {
    auto d = std::make_shared<MatrixBlock>(200, 100, 0.0);
    for (int64_t k = 0; k < 200; ++k)
        d->set((k * 37) % 200, (k * 11) % 100, k % 5 == 0 ? -1.25 : k * 0.5 + 0.1);
    d->recompute_nnz();
    return kernels::to_sparse(*d);
}

void expect_same_cells(const MatrixBlock &a, const MatrixBlock &b) {
    ASSERT_EQ(a.rows(), b.rows());
    ASSERT_EQ(a.cols(), b.cols());
    EXPECT_EQ(a.nnz(), b.nnz());
    for (int64_t i = 0; i < a.rows(); ++i)
        for (int64_t j = 0; j < a.cols(); ++j) ASSERT_EQ(a.get(i, j), b.get(i, j)) << i << "," << j;
}

TEST_F(IoTest, SparseBlocksRoundTripAndReadAsCsr) {
    const auto m = sparse_sample();
    ASSERT_TRUE(m->is_sparse());
    for (const char *format : {"text", "mm", "binary", "csv"}) {
        SCOPED_TRACE(format);
        const std::string p = path(std::string("s_") + format);
        write_matrix(p, *m, wfmt(format));
        ASSERT_TRUE(read_mtd(p));
        EXPECT_EQ(read_mtd(p)->nnz, m->nnz());
        auto back = read_matrix(p, ReadOptions{});
        expect_same_cells(*m, *back);
        if (std::string(format) != "csv") {
            EXPECT_TRUE(back->is_sparse()); // built as CSR, no dense buffer
        }
    }
}

TEST_F(IoTest, BinaryCsrLayoutAndCorruption) {
    const auto m = sparse_sample();
    const std::string p = path("bs");
    write_matrix(p, *m, wfmt("binary"));
    const std::string good = slurp(p);
    const size_t nnz = static_cast<size_t>(m->nnz());
    ASSERT_EQ(good.size(), 64u + 201 * 8 + nnz * 12);
    uint32_t layout = 0;
    std::memcpy(&layout, good.data() + 12, 4);
    EXPECT_EQ(layout, 1u);
    std::string bad = good;
    bad[64 + 201 * 8 + nnz * 4 + 3] ^= 1; // a value byte
    put("bs", bad);
    EXPECT_NE(error_of([&] { read_matrix(p, ReadOptions{}); }).find("checksum mismatch"), std::string::npos);
    put("bs", good);
    expect_same_cells(*m, *read_matrix(p, ReadOptions{}));
}

} // namespace
} // namespace linea::io
