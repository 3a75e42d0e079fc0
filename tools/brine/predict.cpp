// brine predict: predictions for the rows of a CSV file, streamed in blocks of rows.
// SPDX-License-Identifier: MIT
#include <brine/io.hpp>
#include <brine/models/columns.hpp>
#include <brine/rewrite.hpp>

#include <sys/stat.h>

#include <algorithm>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "cli.hpp"
#include "csv.hpp"

namespace brine::cli {

namespace {

constexpr const char* predict_help =
    "usage: brine predict [--proba] [--no-header] [--delimiter C] [-o OUT] MODEL [CSV|-]\n"
    "\n"
    "Loads MODEL with every check, reads rows from CSV (or standard input when CSV is '-' or\n"
    "absent) and writes one CSV line of output per row to standard output (or OUT). The input is\n"
    "read in blocks of rows, so a file larger than memory works.\n"
    "\n"
    "Columns: the first line is a header unless --no-header. When the model stores feature\n"
    "names, the header is matched against them by name: columns may come in any order, columns\n"
    "the model does not use are ignored, and missing or repeated names are refused. Otherwise\n"
    "(no names, or --no-header) the columns are taken in order and their number must be the\n"
    "model's.\n"
    "\n"
    "Cells: decimal numbers; an empty cell, NaN or NA is a missing value and inf/-inf an\n"
    "infinity, which the model takes or refuses by its policy (estimators and pipelines refuse\n"
    "both; scalers keep NaN and refuse infinities). Blank lines are skipped. A bad cell or a row\n"
    "the model refuses stops the run with an error naming its line and column (exit status 7);\n"
    "the rows before it have been written.\n"
    "\n"
    "Output: classifiers give the class (its name when the file stores class labels), or with\n"
    "--proba one probability column per class; regressors give one column per target; scalers\n"
    "give the transformed features. The first output line is a header.\n"
    "\n"
    "  --proba        class probabilities (classifiers)\n"
    "  --no-header    the input has no header line\n"
    "  --delimiter C  field separator of input and output (default ',')\n"
    "  -o, --output   write to OUT instead of standard output\n";

/// Rows predicted at a time: memory is one block, whatever the input's size. A block holds at most
/// 4096 rows and at most 2^22 input values (32 MiB), so a wide model takes fewer rows at a time.
Eigen::Index rows_per_block(Eigen::Index n_features) {
    const Eigen::Index by_width = (Eigen::Index{1} << 22) / std::max<Eigen::Index>(n_features, 1);
    return std::max<Eigen::Index>(1, std::min<Eigen::Index>(4096, by_width));
}

enum class Mode { predict, proba, targets, transform };

/// The names of transform's output columns, as scikit-learn's get_feature_names_out: the
/// feature names (x0, x1, ... when the file has none); for a SimpleImputer the kept features'
/// names, then "missingindicator_<name>" per indicator column; "x0", "x1", ... for the outputs
/// of another transformer that changes the width.
std::vector<std::string> transform_names(const AnyModel& m, const std::vector<std::string>& md) {
    const Eigen::Index nf = m.n_features(), nout = m.n_outputs();
    std::vector<std::string> base;
    for (Eigen::Index j = 0; j < nf; ++j)
        base.push_back(static_cast<Eigen::Index>(md.size()) == nf ? md[static_cast<std::size_t>(j)]
                                                                  : "x" + std::to_string(j));
    if (const auto* imp = m.get_if<SimpleImputer>()) {
        std::vector<std::string> out;
        for (Eigen::Index j = 0; j < nf; ++j)
            if (!std::isnan(imp->statistics(j))) out.push_back(base[static_cast<std::size_t>(j)]);
        for (Eigen::Index i = 0; i < imp->indicator_features.size(); ++i)
            out.push_back("missingindicator_" +
                          base[static_cast<std::size_t>(imp->indicator_features(i))]);
        return out;
    }
    if (const auto* enc = m.get_if<OneHotEncoder>()) {
        // One column per kept category, named <feature>_<category> (the pattern of
        // scikit-learn's get_feature_names_out).
        std::vector<std::string> out;
        Eigen::Index offset = 0;
        for (Eigen::Index j = 0; j < nf; ++j) {
            const Eigen::Index k = enc->n_categories(j);
            for (Eigen::Index c = 0; c < k; ++c) {
                if (enc->drop_idx.size() != 0 && enc->drop_idx(j) == c) continue;
                const double v = enc->categories(offset + c);
                out.push_back(base[static_cast<std::size_t>(j)] + "_" +
                              (std::isnan(v) ? "nan" : format_number(v)));
            }
            offset += k;
        }
        return out;
    }
    if (nout == nf) return base;
    std::vector<std::string> out;
    for (Eigen::Index k = 0; k < nout; ++k) out.push_back("x" + std::to_string(k));
    return out;
}

/// Buffered output to a FILE.
class Output {
public:
    explicit Output(std::FILE* f) : f_(f) { buf_.reserve(capacity + 4096); }
    std::string& text() { return buf_; }
    void maybe_flush() {
        if (buf_.size() >= capacity) flush();
    }
    void flush() {
        if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
            throw Error(Errc::io, std::string("writing the predictions: ") + std::strerror(errno));
        buf_.clear();
    }
    void close() {
        flush();
        if (std::fflush(f_) != 0)
            throw Error(Errc::io, std::string("writing the predictions: ") + std::strerror(errno));
    }

private:
    static constexpr std::size_t capacity = std::size_t{1} << 20;
    std::FILE* f_;
    std::string buf_;
};

void append_number(std::string& s, double v) {
    if (std::isnan(v)) {
        s += "NaN";
        return;
    }
    if (std::isinf(v)) {
        s += v > 0 ? "inf" : "-inf";
        return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    s.append(buf, r.ptr);
}

/// The outputs of `mode` for the rows of X.
Eigen::MatrixXd compute(const AnyModel& m, const MatrixRef& X, Mode mode) {
    switch (mode) {
        case Mode::proba: return m.predict_proba(X);
        case Mode::transform: return m.transform(X);
        case Mode::predict: return m.predict(X);
        case Mode::targets: break;
    }
    if (const auto* lr = std::get_if<LinearRegression>(&m.variant())) return lr->predict_targets(X);
    if (const auto* p = std::get_if<Pipeline>(&m.variant())) {
        if (const auto* e = std::get_if<LinearRegression>(&p->estimator))
            return e->predict_targets(p->transform(X));
    }
    throw Error(Errc::invalid_argument,
                "this model has several outputs per row, which predict "
                "cannot write");
}

/// A linear regression of several targets, alone or as a pipeline's estimator.
bool several_targets(const AnyModel& m) {
    if (const auto* lr = std::get_if<LinearRegression>(&m.variant())) return lr->n_outputs() > 1;
    if (const auto* p = std::get_if<Pipeline>(&m.variant())) {
        if (const auto* e = std::get_if<LinearRegression>(&p->estimator)) return e->n_outputs() > 1;
    }
    return false;
}

/// What predict writes for a model: probabilities when asked, the targets of a multi-target
/// regression, the predictions of any model that predicts (asked of zero rows), else the
/// transform (scalers and other transformers; a model that has neither says so when used).
Mode choose_mode(const AnyModel& m, bool proba) {
    if (proba) return Mode::proba;
    if (several_targets(m)) return Mode::targets;
    try {
        (void)m.predict(Eigen::MatrixXd(0, m.n_features()));
        return Mode::predict;
    } catch (const Error& e) {
        if (e.code() != Errc::invalid_argument) throw;
    }
    return Mode::transform;
}

/// Reads "input row R, column C" from a model's invalid_input message.
bool row_and_column(const std::string& what, long long& row, long long& col) {
    const std::size_t at = what.find("input row ");
    if (at == std::string::npos) return false;
    return std::sscanf(what.c_str() + at, "input row %lld, column %lld", &row, &col) == 2;
}

struct Columns {
    std::vector<std::size_t> of_feature;  ///< file column of each model feature
    std::vector<std::string> names;       ///< file column names (empty without a header)
    std::size_t count = 0;                ///< fields per line
};

Columns match_header(const std::vector<std::string_view>& header,
                     const std::vector<std::string>& features, Eigen::Index n_features) {
    Columns c;
    c.count = header.size();
    for (auto h : header) {
        while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
        while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
        c.names.emplace_back(h);
    }
    if (features.empty()) {
        if (static_cast<Eigen::Index>(c.count) != n_features) {
            throw Error(Errc::shape_mismatch,
                        "line 1: the header has " + std::to_string(c.count) +
                            " columns, the model takes " + std::to_string(n_features) +
                            " (it stores no feature names, so columns are taken in order)");
        }
        for (std::size_t j = 0; j < c.count; ++j) c.of_feature.push_back(j);
        return c;
    }
    // By name, as brine::map_columns matches them: columns in any order, the ones the model does
    // not name ignored, missing or repeated names refused with every name listed.
    ColumnMapping mapping;
    try {
        mapping = map_columns(features, c.names);
    } catch (const Error& e) {
        std::string detail = error_detail(e);
        if (detail.rfind("map_columns: ", 0) == 0) detail.erase(0, 13);
        double ignored;
        const bool numeric = !header.empty() && parse_cell(header[0], ignored);
        throw Error(e.code(),
                    "line 1: the CSV header does not name the model's features: " + detail +
                        (numeric && e.code() == Errc::shape_mismatch
                             ? " (the first line looks like data: the input needs a header "
                               "naming the model's features, or --no-header for columns in "
                               "the model's order)"
                             : ""));
    }
    for (const Eigen::Index s : mapping.source_columns())
        c.of_feature.push_back(static_cast<std::size_t>(s));
    return c;
}

}  // namespace

int cmd_predict(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, predict_help); h >= 0) return h;
    return run_guarded("predict", [&] {
        const Args args(argv, {"--proba", "--no-header"}, {"--delimiter", "-o", "--output"});
        const auto& pos = args.positional();
        if (pos.empty() || pos.size() > 2) throw UsageError("needs MODEL and at most one CSV");
        char delim = ',';
        if (const auto d = args.option("--delimiter")) {
            if (*d == "\\t" || *d == "tab")
                delim = '\t';
            else if (d->size() == 1 && (*d)[0] != '"' && (*d)[0] != '\n' && (*d)[0] != '\r')
                delim = (*d)[0];
            else
                throw UsageError("--delimiter takes one character (or \\t)");
        }
        const Loaded<AnyModel> loaded = load_any_with_info(pos[0]);
        const AnyModel& model = loaded.model;
        const Metadata& md = loaded.info.metadata;
        const bool proba = args.flag("--proba");
        const Mode mode = choose_mode(model, proba);

        // Input.
        const std::string in_path = pos.size() == 2 ? pos[1] : "-";
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> in_file(nullptr, &std::fclose);
        std::FILE* in = stdin;
        std::uint64_t in_size = 0;
        if (in_path != "-") {
            in_file.reset(std::fopen(in_path.c_str(), "rb"));
            if (!in_file)
                throw Error(Errc::io, "cannot open '" + in_path + "': " + std::strerror(errno));
            in = in_file.get();
            struct stat st {};
            if (::fstat(::fileno(in), &st) == 0 && S_ISREG(st.st_mode))
                in_size = static_cast<std::uint64_t>(st.st_size);
        }
        const std::string where = in_path == "-" ? "standard input" : "'" + in_path + "'";
        LineReader lines(in);
        FieldSplitter splitter(delim);
        std::vector<std::string_view> fields;
        const Eigen::Index nf = model.n_features();
        Columns cols;
        std::string_view line;
        const auto in_error = [&](const std::string& what) {
            return Error(Errc::invalid_input, where + ": " + what);
        };
        if (!args.flag("--no-header")) {
            bool got = false;
            while ((got = lines.next(line)) && line.empty()) {
            }
            if (!got) throw in_error("no header line (an empty input; see --no-header)");
            splitter.split(line, lines.line_number(), fields);
            try {
                cols = match_header(fields, md.feature_names, nf);
            } catch (const Error& e) {
                throw Error(e.code(), where + ": " + error_detail(e));
            }
        } else {
            cols.count = static_cast<std::size_t>(nf);
            for (std::size_t j = 0; j < cols.count; ++j) cols.of_feature.push_back(j);
        }
        const auto column_name = [&](std::size_t file_col) {
            std::string s = "column " + std::to_string(file_col + 1);
            if (file_col < cols.names.size()) s += " ('" + cols.names[file_col] + "')";
            return s;
        };

        // Output.
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file(nullptr, &std::fclose);
        std::FILE* out_f = stdout;
        std::optional<std::string> out_path = args.option("--output");
        if (const auto o = args.option("-o")) out_path = o;
        if (out_path && *out_path != "-") {
            out_file.reset(std::fopen(out_path->c_str(), "wb"));
            if (!out_file)
                throw Error(Errc::io, "cannot write '" + *out_path + "': " + std::strerror(errno));
            out_f = out_file.get();
        }
        Output out(out_f);
        const Eigen::Index n_classes = model.n_classes();
        const bool named_classes =
            model.is_classifier() && static_cast<Eigen::Index>(md.class_labels.size()) == n_classes;
        {
            std::string& h = out.text();
            const auto name = [&](const std::string& s) { h += csv_field(s, delim); };
            if (mode == Mode::proba) {
                for (Eigen::Index k = 0; k < n_classes; ++k) {
                    if (k) h += delim;
                    name("proba_" + (named_classes ? md.class_labels[static_cast<std::size_t>(k)]
                                                   : format_number(model.class_labels()(k))));
                }
            } else if (mode == Mode::transform) {
                const std::vector<std::string> names = transform_names(model, md.feature_names);
                for (std::size_t k = 0; k < names.size(); ++k) {
                    if (k) h += delim;
                    name(names[k]);
                }
            } else {
                const std::string target = md.target_name.empty() ? "prediction" : md.target_name;
                const Eigen::Index n = mode == Mode::targets ? model.n_outputs() : 1;
                for (Eigen::Index k = 0; k < n; ++k) {
                    if (k) h += delim;
                    name(n == 1 ? target : target + "_" + std::to_string(k));
                }
            }
            h += '\n';
        }

        Progress progress("brine predict", in_size);
        const Eigen::Index block_rows = rows_per_block(nf);
        Eigen::MatrixXd X(block_rows, nf);
        std::vector<std::uint64_t> line_of(static_cast<std::size_t>(block_rows));
        Eigen::Index r = 0;
        std::uint64_t rows_done = 0;
        std::function<void(const Eigen::MatrixXd&)> write_rows;
        const auto flush_block = [&] {
            if (r == 0) return;
            Eigen::MatrixXd Y;
            try {
                Y = compute(model, X.topRows(r), mode);
            } catch (const Error& e) {
                long long row = 0, col = 0;
                if (e.code() == Errc::invalid_input && row_and_column(e.what(), row, col) &&
                    row >= 0 && row < r && col >= 0 && col < nf) {
                    // Write the rows before the refused one, then stop.
                    const Eigen::Index good = static_cast<Eigen::Index>(row);
                    r = 0;
                    if (good > 0) write_rows(compute(model, X.topRows(good), mode));
                    throw in_error("line " +
                                   std::to_string(line_of[static_cast<std::size_t>(row)]) + ", " +
                                   column_name(cols.of_feature[static_cast<std::size_t>(col)]) +
                                   ": " + error_detail(e));
                }
                throw;
            }
            write_rows(Y);
            rows_done += static_cast<std::uint64_t>(r);
            r = 0;
            progress.update(lines.bytes_consumed(), rows_done);
        };
        write_rows = [&](const Eigen::MatrixXd& Y) {
            std::string& s = out.text();
            for (Eigen::Index i = 0; i < Y.rows(); ++i) {
                if (mode == Mode::predict && named_classes) {
                    const double label = Y(i, 0);
                    Eigen::Index k = 0;
                    while (k < n_classes && model.class_labels()(k) != label) ++k;
                    if (k < n_classes)
                        s += csv_field(md.class_labels[static_cast<std::size_t>(k)], delim);
                    else
                        append_number(s, label);
                } else {
                    for (Eigen::Index k = 0; k < Y.cols(); ++k) {
                        if (k) s += delim;
                        append_number(s, Y(i, k));
                    }
                }
                s += '\n';
                out.maybe_flush();
            }
        };
        // On an error, the rows before the bad one are written before the message.
        struct FlushOnError {
            Output& out;
            ~FlushOnError() {
                if (std::uncaught_exceptions() == 0) return;
                try {
                    out.flush();
                } catch (const Error&) {  // the first error is the one to report
                }
            }
        } flush_on_error{out};
        while (lines.next(line)) {
            if (line.empty()) continue;
            splitter.split(line, lines.line_number(), fields);
            if (fields.size() != cols.count) {
                flush_block();
                throw in_error(
                    "line " + std::to_string(lines.line_number()) + ": " +
                    std::to_string(fields.size()) + " fields, expected " +
                    std::to_string(cols.count) +
                    (cols.names.empty() ? " (the model's features)" : " (the header's)"));
            }
            for (Eigen::Index j = 0; j < nf; ++j) {
                const std::size_t c = cols.of_feature[static_cast<std::size_t>(j)];
                if (!parse_cell(fields[c], X(r, j))) {
                    flush_block();  // the rows before this one are written first
                    std::string cell(fields[c].substr(0, 40));
                    for (char& ch : cell)
                        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
                    throw in_error("line " + std::to_string(lines.line_number()) + ", " +
                                   column_name(c) + ": '" + cell +
                                   (fields[c].size() > 40 ? "...'" : "'") +
                                   " is not a number (empty, NaN and NA mean missing)");
                }
            }
            line_of[static_cast<std::size_t>(r)] = lines.line_number();
            if (++r == block_rows) flush_block();
        }
        flush_block();
        progress.finish();
        out.close();
        if (out_file) {
            std::FILE* f = out_file.release();
            if (std::fclose(f) != 0)
                throw Error(Errc::io, "writing '" + *out_path + "': " + std::strerror(errno));
        }
        return 0;
    });
}

}  // namespace brine::cli
