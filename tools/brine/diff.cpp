// brine diff: the header fields and parameters in which two model files differ, and by how much.
// SPDX-License-Identifier: MIT
#include <brine/detail/rapidjson.hpp>
#include <brine/io.hpp>
#include <brine/rewrite.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include "cli.hpp"

namespace brine::cli {

namespace {

constexpr const char* diff_help =
    "usage: brine diff [--json] [--tolerance T] A B\n"
    "\n"
    "Loads both model files with every check and compares their content, whatever their\n"
    "encodings: the header (kind, versions, creation time, metadata, provenance, reference\n"
    "predictions) and the model's parameters, field by field. For arrays of numbers it reports\n"
    "how many values differ and the largest absolute and relative difference; for other fields\n"
    "both values. Paths are those of the JSON encoding (header.metadata.feature_names,\n"
    "payload.coef.data, ...).\n"
    "\n"
    "  --json         {\"identical\": bool, \"differences\": [...]} on stdout\n"
    "  --tolerance T  numbers within T of each other count as equal (default 0: exact)\n"
    "\n"
    "Exit status: 0 when the files hold the same content, 1 when they differ, another status\n"
    "(see brine --help) when a file cannot be loaded.\n";

namespace rj = detail::rj;

struct Difference {
    std::string path;
    std::string a, b;       ///< the two values, as text (for scalars and shapes)
    std::size_t count = 0;  ///< differing numbers (arrays)
    std::size_t total = 0;  ///< numbers compared (arrays)
    double max_abs = 0, max_rel = 0;
    std::size_t at = 0;  ///< index of the largest difference
    bool numeric_array = false;
};

std::string text_of(const rj::Value& v) {
    if (v.IsString()) {
        std::string s(v.GetString(), v.GetStringLength());
        if (s.size() > 80) s = s.substr(0, 77) + "...";
        return json_quote(s);
    }
    if (v.IsBool()) return v.GetBool() ? "true" : "false";
    if (v.IsNull()) return "null";
    if (v.IsNumber()) return format_number(v.GetDouble());
    if (v.IsArray()) return "[" + std::to_string(v.Size()) + " items]";
    return "{...}";
}

/// A number of the JSON encoding: a JSON number, or "NaN", "Infinity", "-Infinity".
bool number_of(const rj::Value& v, double& out) {
    if (v.IsNumber()) {
        out = v.GetDouble();
        return true;
    }
    if (!v.IsString()) return false;
    const std::string_view s(v.GetString(), v.GetStringLength());
    if (s == "NaN") {
        out = std::numeric_limits<double>::quiet_NaN();
    } else if (s == "Infinity") {
        out = std::numeric_limits<double>::infinity();
    } else if (s == "-Infinity") {
        out = -std::numeric_limits<double>::infinity();
    } else {
        return false;
    }
    return true;
}

bool numeric_array(const rj::Value& v) {
    if (!v.IsArray() || v.Size() == 0) return false;
    double d;
    for (const auto& e : v.GetArray())
        if (!number_of(e, d)) return false;
    return true;
}

class Comparer {
public:
    explicit Comparer(double tolerance) : tol_(tolerance) {}

    void compare(const rj::Value& a, const rj::Value& b, const std::string& path) {
        double x, y;
        if (number_of(a, x) && number_of(b, y) && (a.IsNumber() || b.IsNumber())) {
            if (!same(x, y)) {
                Difference d{path, format_number(x), format_number(y)};
                d.max_abs = std::abs(x - y);
                d.max_rel = d.max_abs / std::max(std::abs(x), std::abs(y));
                out.push_back(d);
            }
            return;
        }
        if (a.IsObject() && b.IsObject()) {
            if (is_matrix(a) && is_matrix(b) &&
                (a["rows"].GetInt64() != b["rows"].GetInt64() ||
                 a["cols"].GetInt64() != b["cols"].GetInt64())) {
                out.push_back({path, shape(a), shape(b)});
                return;
            }
            std::set<std::string> keys;
            for (const auto& m : a.GetObject()) keys.emplace(m.name.GetString());
            for (const auto& m : b.GetObject()) keys.emplace(m.name.GetString());
            for (const std::string& k : keys) {
                const std::string p = path.empty() ? k : path + "." + k;
                const auto ia = a.FindMember(k.c_str()), ib = b.FindMember(k.c_str());
                if (ia == a.MemberEnd()) {
                    out.push_back({p, "(absent)", text_of(ib->value)});
                } else if (ib == b.MemberEnd()) {
                    out.push_back({p, text_of(ia->value), "(absent)"});
                } else {
                    compare(ia->value, ib->value, p);
                }
            }
            return;
        }
        if (a.IsArray() && b.IsArray()) {
            if (numeric_array(a) && numeric_array(b) && a.Size() == b.Size()) {
                compare_numbers(a, b, path);
                return;
            }
            if (a.Size() != b.Size()) {
                out.push_back({path, std::to_string(a.Size()) + " items",
                               std::to_string(b.Size()) + " items"});
                if (!(is_key_value_list(a) && is_key_value_list(b))) return;
            }
            if (is_key_value_list(a) && is_key_value_list(b)) {
                compare_key_values(a, b, path);
                return;
            }
            for (rj::SizeType i = 0; i < a.Size(); ++i)
                compare(a[i], b[i], path + "[" + std::to_string(i) + "]");
            return;
        }
        if (a != b) out.push_back({path, text_of(a), text_of(b)});
    }

    std::vector<Difference> out;

private:
    bool same(double x, double y) const {
        if (x == y || (std::isnan(x) && std::isnan(y))) return true;
        return std::abs(x - y) <= tol_;
    }

    static bool is_matrix(const rj::Value& v) {
        return v.IsObject() && v.HasMember("rows") && v.HasMember("cols") && v.HasMember("data") &&
               v["rows"].IsInt64() && v["cols"].IsInt64();
    }

    static std::string shape(const rj::Value& m) {
        return std::to_string(m["rows"].GetInt64()) + " x " + std::to_string(m["cols"].GetInt64());
    }

    /// brine writes maps as [{"key": ..., "value": ...}]: compared by key, not by position.
    static bool is_key_value_list(const rj::Value& v) {
        if (!v.IsArray() || v.Size() == 0) return false;
        for (const auto& e : v.GetArray())
            if (!e.IsObject() || !e.HasMember("key") || !e["key"].IsString() ||
                !e.HasMember("value") || e.MemberCount() != 2)
                return false;
        return true;
    }

    void compare_key_values(const rj::Value& a, const rj::Value& b, const std::string& path) {
        std::set<std::string> keys;
        const auto find = [](const rj::Value& list, const std::string& k) -> const rj::Value* {
            for (const auto& e : list.GetArray())
                if (k == e["key"].GetString()) return &e["value"];
            return nullptr;
        };
        for (const auto& e : a.GetArray()) keys.emplace(e["key"].GetString());
        for (const auto& e : b.GetArray()) keys.emplace(e["key"].GetString());
        for (const std::string& k : keys) {
            const std::string p = path + "." + k;
            const rj::Value *va = find(a, k), *vb = find(b, k);
            if (!va)
                out.push_back({p, "(absent)", text_of(*vb)});
            else if (!vb)
                out.push_back({p, text_of(*va), "(absent)"});
            else
                compare(*va, *vb, p);
        }
    }

    void compare_numbers(const rj::Value& a, const rj::Value& b, const std::string& path) {
        Difference d;
        d.path = path;
        d.numeric_array = true;
        d.total = a.Size();
        for (rj::SizeType i = 0; i < a.Size(); ++i) {
            double x = 0, y = 0;
            number_of(a[i], x);
            number_of(b[i], y);
            if (same(x, y)) continue;
            ++d.count;
            const double diff = std::isnan(x) != std::isnan(y)
                                    ? std::numeric_limits<double>::infinity()
                                    : std::abs(x - y);
            const double rel = diff / std::max(std::abs(x), std::abs(y));
            if (d.count == 1 || diff > d.max_abs) {
                d.max_abs = diff;
                d.at = i;
                d.a = format_number(x);
                d.b = format_number(y);
            }
            if (!(rel <= d.max_rel)) d.max_rel = rel;
        }
        if (d.count) out.push_back(d);
    }

    double tol_;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(Errc::io, "cannot open '" + path + "': " + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::uint64_t limit = Limits{}.max_file_bytes;
    if (size < 0 || static_cast<std::uint64_t>(size) > limit) {
        throw Error(Errc::limit_exceeded, "'" + path + "': " + std::to_string(size) +
                                              " bytes, over the limit of " + std::to_string(limit));
    }
    in.seekg(0);
    std::string s(static_cast<std::size_t>(size), '\0');
    if (!in.read(s.data(), size))
        throw Error(Errc::io, "cannot read '" + path + "': " + std::strerror(errno));
    return s;
}

/// The content of a model file as the JSON encoding (after a load with every check).
rj::Document as_json(const std::string& path) {
    const std::string bytes = read_all(path);
    std::string json;
    try {
        json = convert_bytes(bytes, Format::json);
    } catch (const Error& e) {
        const std::string detail = error_detail(e);
        if (detail.find("'" + path + "'") != std::string::npos) throw;
        throw Error(e.code(), "'" + path + "': " + detail);
    }
    rj::Document d;
    d.Parse(json.c_str(), json.size());
    if (d.HasParseError() || !d.IsObject())
        throw Error(Errc::malformed, "internal: brine's own JSON did not parse");
    return d;
}

}  // namespace

int cmd_diff(const std::vector<std::string>& argv) {
    if (const int h = help_if_asked(argv, diff_help); h >= 0) return h;
    return run_guarded("diff", [&] {
        const Args args(argv, {"--json"}, {"--tolerance"});
        if (args.positional().size() != 2) throw UsageError("needs two files");
        double tolerance = 0;
        if (const auto t = args.option("--tolerance")) {
            char* end = nullptr;
            tolerance = std::strtod(t->c_str(), &end);
            if (t->empty() || *end != '\0' || !(tolerance >= 0))
                throw UsageError("--tolerance takes a number >= 0");
        }
        const rj::Document a = as_json(args.positional()[0]);
        const rj::Document b = as_json(args.positional()[1]);
        Comparer c(tolerance);
        c.compare(a["header"], b["header"], "header");
        c.compare(a["payload"], b["payload"], "payload");
        if (args.flag("--json")) {
            JsonOut j;
            j.begin_object().key("identical").value(c.out.empty());
            j.key("differences").begin_array();
            for (const Difference& d : c.out) {
                j.begin_object().key("path").value(d.path);
                j.key("a").value(d.a).key("b").value(d.b);
                if (d.numeric_array) {
                    j.key("differing").value(static_cast<std::uint64_t>(d.count));
                    j.key("of").value(static_cast<std::uint64_t>(d.total));
                    j.key("at").value(static_cast<std::uint64_t>(d.at));
                }
                if (d.numeric_array || d.max_abs != 0) {
                    j.key("max_abs_difference").value(d.max_abs);
                    j.key("max_rel_difference").value(d.max_rel);
                }
                j.end_object();
            }
            j.end_array().end_object();
            std::printf("%s\n", j.str().c_str());
        } else {
            for (const Difference& d : c.out) {
                std::string line = d.path + ": ";
                if (d.numeric_array) {
                    line += std::to_string(d.count) + " of " + std::to_string(d.total) +
                            " values differ; largest at [" + std::to_string(d.at) + "]: " + d.a +
                            " vs " + d.b + ", |A-B| = " + format_number(d.max_abs) +
                            ", max relative " + format_number(d.max_rel);
                } else {
                    line += d.a + " vs " + d.b;
                    if (d.max_abs != 0) line += " (|A-B| = " + format_number(d.max_abs) + ")";
                }
                std::printf("%s\n", line.c_str());
            }
            if (c.out.empty()) std::printf("identical\n");
        }
        return c.out.empty() ? 0 : static_cast<int>(Exit::differ);
    });
}

}  // namespace brine::cli
