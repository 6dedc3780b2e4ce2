// libFuzzer driver for the DML parser: any input must either parse or throw DmlError.
#include "language/parser.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    auto file = std::make_shared<const linea::SourceFile>(
        "fuzz.dml", std::string(reinterpret_cast<const char *>(data), size));
    linea::ParseOptions opts;
    opts.args["1"] = "7";
    opts.args["X"] = "data.csv";
    // A directory that does not exist keeps source() from reading real files.
    opts.working_dir = "/nonexistent-linea-fuzz-dir";
    try {
        linea::ast::Program prog = linea::parse_program(file, opts);
        (void)prog;
    } catch (const linea::DmlError &) {
        // Rejecting the input with a diagnostic is fine.
    }
    return 0;
}
