// Number and matrix formatting, byte-compatible with SystemDS (Java):
// - format_double is Java's Double.toString (JDK 19+: shortest round-tripping digits, at least two).
// - to_string is SystemDS DataConverter.toString(MatrixBlock): cells formatted with java.text.DecimalFormat
//   (grouping off, minimumFractionDigits = decimal, maximumFractionDigits = max(3, decimal), RoundingMode
//   HALF_EVEN applied to the shortest digits, exact ties resolved by the exact binary value), a cell
//   equal to -0.0 is printed as 0.0, NaN/Infinity via Double.toString. Cells of a row are joined by `sep`
//   (no separator after the last cell) and EVERY row, including the last, is followed by `linesep`.
#include "kernels/ops.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace linea::kernels {

namespace {

// Decimal digits (no leading/trailing zeros) and exponent: |v| = d0.d1d2... x 10^exp.
struct Decimal {
    std::string digits;
    int exp = 0;
};

Decimal shortest(double v) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, std::abs(v), std::chars_format::scientific);
    std::string s(buf, res.ptr);
    Decimal d;
    const size_t e = s.find('e');
    for (size_t i = 0; i < e; ++i)
        if (s[i] != '.') d.digits += s[i];
    d.exp = std::stoi(s.substr(e + 1));
    if (d.digits.size() == 1 && d.digits != "0") {
        // Java never prints fewer than two significant digits: it picks the two-digit decimal closest
        // to the value (only differs from "d.0" for subnormals, e.g. 4.9E-324).
        res = std::to_chars(buf, buf + sizeof buf, std::abs(v), std::chars_format::scientific, 1);
        s.assign(buf, res.ptr);
        d.digits = std::string{s[0], s[2]};
        d.exp = std::stoi(s.substr(s.find('e') + 1));
        while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
    }
    return d;
}

// Compares |v| exactly with the decimal 0.d0d1d2... x 10^(exp+1): -1, 0 or 1.
int compare_exact(double v, const Decimal &d) {
    static thread_local char buf[1100];
    std::snprintf(buf, sizeof buf, "%.780e", std::abs(v)); // enough digits for any double's exact value
    std::string s(buf);
    const size_t e = s.find('e');
    std::string exact;
    for (size_t i = 0; i < e; ++i)
        if (s[i] != '.') exact += s[i];
    const int exact_exp = std::stoi(s.substr(e + 1));
    if (exact_exp != d.exp) return exact_exp < d.exp ? -1 : 1;
    std::string dd = d.digits;
    dd.resize(exact.size(), '0');
    const int c = exact.compare(dd);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string special(double v) {
    if (std::isnan(v)) return "NaN";
    return v > 0 ? "Infinity" : "-Infinity";
}

// java.text.DecimalFormat with grouping off, given min/max fraction digits, HALF_EVEN.
std::string decimal_format(double v, int min_frac, int max_frac) {
    if (!std::isfinite(v)) return special(v);
    const bool negative = std::signbit(v) && v != 0.0;
    std::string int_part, frac_part;
    if (v == 0.0) {
        int_part.assign(1, '0');
    } else {
        Decimal d = shortest(v);
        // Fixed-point digit string: position p in `all` has weight 10^(exp - p).
        const long keep = static_cast<long>(d.exp) + 1 + max_frac; // digits of d kept after rounding
        std::string kept;
        bool round_up = false;
        if (keep >= static_cast<long>(d.digits.size())) {
            kept = d.digits;
        } else if (keep >= 0) {
            kept = d.digits.substr(0, static_cast<size_t>(keep));
            const char first = d.digits[static_cast<size_t>(keep)];
            const bool rest_nonzero =
                d.digits.find_first_not_of('0', static_cast<size_t>(keep) + 1) != std::string::npos;
            if (first > '5' || (first == '5' && rest_nonzero)) {
                round_up = true;
            } else if (first == '5') {
                // The shortest digits end in an exact half: the true binary value decides, HALF_EVEN on a
                // tie.
                const int c = compare_exact(v, d);
                if (c > 0)
                    round_up = true;
                else if (c == 0)
                    round_up = !kept.empty() && ((kept.back() - '0') % 2 == 1);
            }
        } // else: value below half a unit of the last kept place: rounds to zero
        int exp = d.exp;
        if (round_up) {
            int i = static_cast<int>(kept.size()) - 1;
            while (i >= 0 && kept[static_cast<size_t>(i)] == '9') kept[static_cast<size_t>(i--)] = '0';
            if (i >= 0) {
                ++kept[static_cast<size_t>(i)];
            } else {
                kept.insert(kept.begin(), '1');
                ++exp;
            }
            if (keep <= 0) { // rounding up from nothing: a single unit in the last kept place
                kept.assign(1, '1');
                exp = -max_frac;
            }
        }
        // Lay the digits out around the decimal point.
        if (exp >= 0) {
            std::string padded = kept;
            if (static_cast<long>(padded.size()) < exp + 1) padded.resize(static_cast<size_t>(exp) + 1, '0');
            int_part = padded.substr(0, static_cast<size_t>(exp) + 1);
            frac_part = padded.substr(static_cast<size_t>(exp) + 1);
        } else {
            int_part.assign(1, '0');
            frac_part = kept.empty() ? "" : std::string(static_cast<size_t>(-exp - 1), '0') + kept;
        }
        if (static_cast<int>(frac_part.size()) > max_frac) frac_part.resize(static_cast<size_t>(max_frac));
    }
    while (static_cast<int>(frac_part.size()) > min_frac && !frac_part.empty() && frac_part.back() == '0')
        frac_part.pop_back();
    if (static_cast<int>(frac_part.size()) < min_frac) frac_part.resize(static_cast<size_t>(min_frac), '0');
    std::string out = negative ? "-" : "";
    out += int_part;
    if (!frac_part.empty()) out += "." + frac_part;
    return out;
}

} // namespace

std::string format_double(double v) {
    if (!std::isfinite(v)) return special(v);
    if (v == 0.0) return std::signbit(v) ? "-0.0" : "0.0";
    const Decimal d = shortest(v);
    std::string out = v < 0 ? "-" : "";
    const double a = std::abs(v);
    if (a >= 1e-3 && a < 1e7) {
        if (d.exp >= 0) {
            std::string padded = d.digits;
            if (static_cast<int>(padded.size()) < d.exp + 1)
                padded.resize(static_cast<size_t>(d.exp) + 1, '0');
            std::string frac = padded.substr(static_cast<size_t>(d.exp) + 1);
            out += padded.substr(0, static_cast<size_t>(d.exp) + 1) + "." + (frac.empty() ? "0" : frac);
        } else {
            out += "0." + std::string(static_cast<size_t>(-d.exp - 1), '0') + d.digits;
        }
        return out;
    }
    out += d.digits.substr(0, 1) + "." + (d.digits.size() > 1 ? d.digits.substr(1) : "0") + "E" +
           std::to_string(d.exp);
    return out;
}

std::string to_string(const MatrixBlock &a_in, int64_t max_rows, int64_t max_cols, int decimal,
                      const std::string &sep, const std::string &linesep) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t rows = max_rows >= 0 ? std::min(max_rows, a.rows()) : a.rows();
    const int64_t cols = max_cols >= 0 ? std::min(max_cols, a.cols()) : a.cols();
    const int min_frac = decimal >= 0 ? decimal : 0;
    const int max_frac = std::max(3, decimal);
    std::string out;
    if (cols == 0) return out;
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < cols; ++j) {
            double v = a.get(i, j);
            if (v == 0.0) v = 0.0; // SystemDS prints -0.0 as 0.0
            if (j > 0) out += sep;
            out += decimal_format(v, min_frac, max_frac);
        }
        out += linesep;
    }
    return out;
}

} // namespace linea::kernels
