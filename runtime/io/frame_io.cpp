#include "runtime/io/frame_io.h"

#include "runtime/io/output_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace linea::io {

namespace {

/// Splits one csv line at `sep`, honouring double-quoted fields ("" inside quotes is one quote).
std::vector<std::string> split_fields(const std::string &line, const std::string &sep) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (size_t i = 0; i < line.size();) {
        if (quoted) {
            if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                i += 2;
            } else if (line[i] == '"') {
                quoted = false;
                ++i;
            } else {
                cur += line[i++];
            }
        } else if (line[i] == '"' && cur.empty()) {
            quoted = true;
            ++i;
        } else if (!sep.empty() && line.compare(i, sep.size(), sep) == 0) {
            out.push_back(std::move(cur));
            cur.clear();
            i += sep.size();
        } else {
            cur += line[i++];
        }
    }
    out.push_back(std::move(cur));
    return out;
}

/// A field written so that split_fields reads it back: quoted when it holds the separator or a quote.
std::string quote_field(const std::string &s, const std::string &sep) {
    if (s.find(sep) == std::string::npos && s.find('"') == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

} // namespace

std::vector<ValueType> read_frame_schema(const std::string &path) {
    std::ifstream in(path + ".mtd");
    if (!in) return {};
    nlohmann::json j;
    try {
        in >> j;
    } catch (const std::exception &e) {
        throw IoError("malformed metadata '" + path + ".mtd': " + e.what());
    }
    if (!j.contains("schema")) return {};
    if (!j["schema"].is_string()) throw IoError("'" + path + ".mtd': \"schema\" must be a string");
    std::vector<ValueType> schema;
    for (const std::string &name : split_fields(j["schema"].get<std::string>(), ",")) {
        std::optional<ValueType> vt = parse_frame_type(name);
        if (!vt)
            throw IoError("'" + path + ".mtd': unknown column type '" + name +
                          "' in \"schema\" (expected FP64, INT64, BOOLEAN or STRING)");
        schema.push_back(*vt);
    }
    return schema;
}

FramePtr read_frame_csv(const std::string &path, const FrameReadOptions &opts) {
    std::ifstream in(path);
    if (!in) throw IoError("cannot read '" + path + "': cannot open the file");
    std::vector<std::vector<std::string>> lines;
    std::vector<int64_t> line_no;
    std::vector<std::string> names;
    std::string line;
    int64_t no = 0;
    bool want_header = opts.header;
    while (std::getline(in, line)) {
        ++no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> f = split_fields(line, opts.sep);
        if (want_header) {
            names = std::move(f);
            want_header = false;
            continue;
        }
        const size_t expect = !lines.empty() ? lines[0].size() : !names.empty() ? names.size() : f.size();
        if (f.size() != expect)
            throw IoError(path + ":" + std::to_string(no) + ": expected " + std::to_string(expect) +
                          " fields but found " + std::to_string(f.size()));
        lines.push_back(std::move(f));
        line_no.push_back(no);
    }
    const auto rows = static_cast<int64_t>(lines.size());
    const auto cols = static_cast<int64_t>(!lines.empty() ? lines[0].size() : names.size());
    if (opts.rows && *opts.rows != rows)
        throw IoError("cannot read '" + path + "': rows=" + std::to_string(*opts.rows) +
                      " but the file has " + std::to_string(rows));
    if (opts.cols && *opts.cols != cols)
        throw IoError("cannot read '" + path + "': cols=" + std::to_string(*opts.cols) +
                      " but the file has " + std::to_string(cols));
    std::vector<ValueType> schema = opts.schema;
    if (schema.empty()) schema.assign(static_cast<size_t>(cols), ValueType::String);
    if (static_cast<int64_t>(schema.size()) != cols)
        throw IoError("cannot read '" + path + "': the schema has " + std::to_string(schema.size()) +
                      " types but the file has " + std::to_string(cols) + " columns");
    auto f = std::make_shared<FrameBlock>(rows, std::move(schema), std::move(names));
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < cols; ++j) {
            const std::string &t = lines[static_cast<size_t>(i)][static_cast<size_t>(j)];
            const bool na =
                std::find(opts.na_strings.begin(), opts.na_strings.end(), t) != opts.na_strings.end();
            try {
                f->set_text(i, j, na ? std::string() : t);
            } catch (const FrameCellError &) {
                throw IoError(path + ":" + std::to_string(line_no[static_cast<size_t>(i)]) + ": field " +
                              std::to_string(j + 1) + " '" + t + "' is not a valid " +
                              frame_type_name(f->type(j)) + " value");
            }
        }
    }
    return f;
}

void write_frame_csv(const std::string &path, const FrameBlock &f, bool header, const std::string &sep,
                     const std::string &description) {
    std::ostringstream out;
    if (header) {
        for (int64_t j = 0; j < f.cols(); ++j) out << (j ? sep : "") << quote_field(f.column_name(j), sep);
        out << '\n';
    }
    for (int64_t i = 0; i < f.rows(); ++i) {
        for (int64_t j = 0; j < f.cols(); ++j) out << (j ? sep : "") << quote_field(f.text(i, j), sep);
        out << '\n';
    }
    OutputFile file(path); // renamed into place: a matrix mapped from the old file keeps its data
    const std::string text = out.str();
    file.write(text.data(), text.size());
    file.commit();
    std::string schema;
    for (const std::string &s : f.schema_names()) schema += (schema.empty() ? "" : ",") + s;
    nlohmann::ordered_json j;
    j["data_type"] = "frame";
    j["rows"] = f.rows();
    j["cols"] = f.cols();
    j["schema"] = schema;
    j["format"] = "csv";
    j["header"] = header;
    j["sep"] = sep;
    if (!description.empty()) j["description"] = description;
    j["author"] = "linea";
    std::ofstream mtd(path + ".mtd", std::ios::trunc);
    if (!mtd) throw IoError("cannot write '" + path + ".mtd'");
    mtd << j.dump(4) << "\n";
}

} // namespace linea::io
