// Tests of brine's JSON archives: round trips, exact text, and every refusal of a bad document.
// SPDX-License-Identifier: MIT
#include "brine/serialization/json_archive.hpp"

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "brine_catch.hpp"

using cereal::make_nvp;

namespace {

struct Scalars {
    bool b = false;
    std::uint8_t u8 = 0;
    std::uint16_t u16 = 0;
    std::uint32_t u32 = 0;
    std::uint64_t u64 = 0;
    std::int8_t i8 = 0;
    std::int16_t i16 = 0;
    std::int32_t i32 = 0;
    std::int64_t i64 = 0;
    float f = 0;
    double d = 0;

    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("b", b), make_nvp("u8", u8), make_nvp("u16", u16), make_nvp("u32", u32),
           make_nvp("u64", u64), make_nvp("i8", i8), make_nvp("i16", i16), make_nvp("i32", i32),
           make_nvp("i64", i64), make_nvp("f", f), make_nvp("d", d));
    }
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool operator==(const Scalars& x, const Scalars& y) {
    return x.b == y.b && x.u8 == y.u8 && x.u16 == y.u16 && x.u32 == y.u32 && x.u64 == y.u64 &&
           x.i8 == y.i8 && x.i16 == y.i16 && x.i32 == y.i32 && x.i64 == y.i64 &&
           same_bits(x.f, y.f) && same_bits(x.d, y.d);
}

/// One named value: `{"v": ...}`.
template <class T>
struct Field {
    T v{};
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("v", v));
    }
};

struct Inner {
    bool flag = false;
    std::vector<double> ys;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("flag", flag), make_nvp("ys", ys));
    }
};

struct Small {
    std::string label = "p";
    std::int32_t id = 7;
    double x = 0.5;
    Inner inner{true, {1.0, -2.5}};
    std::vector<std::int32_t> empty;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("label", label), make_nvp("id", id), make_nvp("x", x), make_nvp("inner", inner),
           make_nvp("empty", empty));
    }
};

/// An array with its length, loaded the way brine's Eigen adapter loads a matrix: size first,
/// check_array before allocating, then the data in one ArrayView.
struct Vec {
    std::vector<double> values;
    template <class Archive>
    void save(Archive& ar) const {
        ar(make_nvp("size", static_cast<std::uint64_t>(values.size())),
           make_nvp("data", brine::detail::make_array(values.data(), values.size())));
    }
    template <class Archive>
    void load(Archive& ar) {
        std::uint64_t size = 0;
        ar(make_nvp("size", size));
        ar.check_array(size, sizeof(double), "data");
        values.resize(static_cast<std::size_t>(size));
        ar(make_nvp("data", brine::detail::make_array(values.data(), values.size())));
    }
};

struct IntVec {
    std::vector<std::int32_t> values;
    template <class Archive>
    void save(Archive& ar) const {
        ar(make_nvp("data", brine::detail::make_array(values.data(), values.size())));
    }
    template <class Archive>
    void load(Archive& ar) {
        ar(make_nvp("data", brine::detail::make_array(values.data(), values.size())));
    }
};

struct Step {
    Vec mean;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("mean", mean));
    }
};

struct Payload {
    std::vector<Step> steps;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("steps", steps));
    }
};

struct Model {
    double coef = 0;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("coef", coef));
    }
};

struct Holder {
    Model model;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(make_nvp("model", model));
    }
};

struct Versioned {
    std::int32_t a = 0;
    std::uint32_t seen_version = 0;
    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        seen_version = version;
        ar(make_nvp("a", a));
    }
};

struct Unnamed {
    std::int32_t a = 1;
    template <class Archive>
    void serialize(Archive& ar) {
        ar(a);
    }
};

/// Saves `value` as the top-level object.
template <class T>
std::string to_json(const T& value) {
    std::string out;
    brine::JsonOutputArchive ar(out);
    ar(value);
    ar.finish();
    return out;
}

/// Loads a T from the top-level object, refusing unknown fields.
template <class T>
T from_json(std::string_view text, const brine::Limits& limits = {}) {
    T value{};
    brine::JsonInputArchive ar(text, limits);
    ar(value);
    return value;
}

/// Loads `{"payload": T}`, with the top-level check.
template <class T>
T load_payload(std::string_view text, bool allow_unknown = false) {
    T value{};
    brine::JsonInputArchive ar(text, brine::Limits{});
    ar.set_allow_unknown_fields(allow_unknown);
    ar(make_nvp("payload", value));
    ar.finish();
    return value;
}

std::uint64_t splitmix(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace

CEREAL_CLASS_VERSION(Versioned, 3)

static_assert(!cereal::traits::is_output_serializable<cereal::BinaryData<const double*>,
                                                      brine::JsonOutputArchive>::value,
              "JSON has no binary blobs");
static_assert(!cereal::traits::is_input_serializable<cereal::BinaryData<double*>,
                                                     brine::JsonInputArchive>::value,
              "JSON has no binary blobs");

TEST_CASE("json: every scalar type round-trips, extremes included", "[json]") {
    Scalars low{false,
                0,
                0,
                0,
                0,
                std::numeric_limits<std::int8_t>::min(),
                std::numeric_limits<std::int16_t>::min(),
                std::numeric_limits<std::int32_t>::min(),
                std::numeric_limits<std::int64_t>::min(),
                -std::numeric_limits<float>::max(),
                std::numeric_limits<double>::lowest()};
    Scalars high{
        true, 255,   65535,      4294967295u,           18446744073709551615ull,
        127,  32767, 2147483647, 9223372036854775807ll, std::numeric_limits<float>::denorm_min(),
        0.1};
    Scalars mid{true, 7, 300, 70000, 1ull << 40, -7, -300, -70000, -(1ll << 40), 0.1f, 1.0 / 3};
    for (const Scalars& s : {low, high, mid}) {
        CHECK(from_json<Scalars>(to_json(s)) == s);
    }
    const std::string text = to_json(high);
    CHECK_THAT(text, BRINE_CONTAINS("\"u64\": 18446744073709551615,"));
    CHECK_THAT(text, BRINE_CONTAINS("\"i64\": 9223372036854775807,"));
    CHECK_THAT(text, BRINE_CONTAINS("\"b\": true,"));
}

TEST_CASE("json: strings keep UTF-8, quotes, backslashes and control characters", "[json]") {
    const std::vector<std::string> strings = {"",
                                              "plain",
                                              "quote \" backslash \\ slash /",
                                              "tab\tnewline\ncr\rbell\x07 nul",
                                              std::string("nul\0inside", 10),
                                              "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
                                              "\x7F"};
    for (const std::string& s : strings) {
        Field<std::string> f{s};
        const std::string text = to_json(f);
        CHECK(from_json<Field<std::string>>(text).v == s);
    }
    CHECK(to_json(Field<std::string>{"a\"b\\c\n\x01"}) ==
          "{\n  \"v\": \"a\\\"b\\\\c\\n\\u0001\"\n}\n");
    // Escapes written by other tools, surrogate pairs included, are decoded.
    CHECK(from_json<Field<std::string>>(R"({"v": "\u00e9\ud83d\ude00\/"})").v ==
          "\xC3\xA9\xF0\x9F\x98\x80/");
}

TEST_CASE("json: exact text of a small struct", "[json]") {
    const std::string expected =
        "{\n"
        "  \"label\": \"p\",\n"
        "  \"id\": 7,\n"
        "  \"x\": 0.5,\n"
        "  \"inner\": {\n"
        "    \"flag\": true,\n"
        "    \"ys\": [1.0, -2.5]\n"
        "  },\n"
        "  \"empty\": []\n"
        "}\n";
    CHECK(to_json(Small{}) == expected);

    std::string named;
    {
        brine::JsonOutputArchive ar(named);
        ar(make_nvp("model", Model{2.0}), make_nvp("n", 3));
        ar.finish();
    }
    CHECK(named == "{\n  \"model\": {\n    \"coef\": 2.0\n  },\n  \"n\": 3\n}\n");

    std::string nothing;
    {
        brine::JsonOutputArchive ar(nothing);
        ar.finish();
    }
    CHECK(nothing == "{}\n");
}

TEST_CASE("json: the output string is written only by finish()", "[json]") {
    std::string out = "untouched";
    {
        brine::JsonOutputArchive ar(out);
        ar(make_nvp("a", 1));
        CHECK(out == "untouched");
    }
    CHECK(out == "untouched");
    brine::JsonOutputArchive ar(out);
    ar.finish();
    BRINE_CHECK_THROWS_CODE(ar(make_nvp("a", 1)), brine::Errc::invalid_argument,
                            "JSON archive used after finish()");
    BRINE_CHECK_THROWS_CODE(ar.finish(), brine::Errc::invalid_argument, "after finish()");
}

TEST_CASE("json: nested objects, vectors of structs, maps and class versions", "[json]") {
    Payload p;
    p.steps = {Step{Vec{{1.0, 2.0}}}, Step{Vec{{}}}, Step{Vec{{-3.5}}}};
    const Payload back = from_json<Payload>(to_json(p));
    REQUIRE(back.steps.size() == 3);
    CHECK(back.steps[0].mean.values == std::vector<double>{1.0, 2.0});
    CHECK(back.steps[1].mean.values.empty());
    CHECK(back.steps[2].mean.values == std::vector<double>{-3.5});

    Field<std::map<std::string, std::vector<std::int64_t>>> m;
    m.v = {{"a", {1, -2}}, {"b", {}}};
    CHECK(from_json<decltype(m)>(to_json(m)).v == m.v);

    Field<std::vector<Versioned>> versioned;
    versioned.v = {Versioned{5, 0}, Versioned{6, 0}};
    const std::string text = to_json(versioned);
    CHECK_THAT(text, BRINE_CONTAINS("\"cereal_class_version\": 3,\n      \"a\": 5"));
    const auto loaded = from_json<Field<std::vector<Versioned>>>(text);
    REQUIRE(loaded.v.size() == 2);
    CHECK(loaded.v[0].a == 5);
    CHECK(loaded.v[1].a == 6);
    CHECK(loaded.v[0].seen_version == 3);
    CHECK(loaded.v[1].seen_version == 3);
}

TEST_CASE("json: ArrayView of doubles and int32 round-trips", "[json]") {
    Vec v{{0.0, -1.25, 1e-300, 123456789.125}};
    const std::string text = to_json(v);
    CHECK(text == "{\n  \"size\": 4,\n  \"data\": [0.0, -1.25, 1e-300, 123456789.125]\n}\n");
    CHECK(from_json<Vec>(text).values == v.values);

    IntVec iv{{0, -1, 2147483647, std::numeric_limits<std::int32_t>::min()}};
    const std::string int_text = to_json(iv);
    CHECK(int_text == "{\n  \"data\": [0, -1, 2147483647, -2147483648]\n}\n");
    IntVec back{std::vector<std::int32_t>(4)};
    brine::JsonInputArchive ar(int_text, brine::Limits{});
    ar(back);
    CHECK(back.values == iv.values);
}

TEST_CASE("json: doubles round-trip bit-exactly over random bit patterns", "[json]") {
    std::vector<double> values = {0.0,
                                  -0.0,
                                  5e-324,
                                  -5e-324,
                                  std::numeric_limits<double>::min(),
                                  2.2250738585072011e-308,  // largest subnormal
                                  std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::lowest(),
                                  0.1,
                                  1.0 / 3,
                                  std::nextafter(1.0, 2.0),
                                  9007199254740993.0,
                                  1e21,
                                  1e22,
                                  123456789012345680.0};
    std::uint64_t state = 20240611;
    while (values.size() < 120000) {
        std::uint64_t bits = splitmix(state);
        if (values.size() % 4 == 0) bits &= 0x800FFFFFFFFFFFFFull;  // a subnormal
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d)) values.push_back(d);
    }
    const Vec back = from_json<Vec>(to_json(Vec{values}));
    REQUIRE(back.values.size() == values.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!same_bits(values[i], back.values[i])) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(std::signbit(back.values[1]));
}

TEST_CASE("json: NaN and infinities are standard-JSON strings; -0.0 keeps its sign", "[json]") {
    Vec v{{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
           -std::numeric_limits<double>::infinity(), -0.0}};
    const std::string text = to_json(v);
    CHECK(text ==
          "{\n  \"size\": 4,\n  \"data\": [\"NaN\", \"Infinity\", \"-Infinity\", -0.0]\n}\n");
    const Vec back = from_json<Vec>(text);
    CHECK(std::isnan(back.values[0]));
    CHECK(back.values[1] == std::numeric_limits<double>::infinity());
    CHECK(back.values[2] == -std::numeric_limits<double>::infinity());
    CHECK(back.values[3] == 0.0);
    CHECK(std::signbit(back.values[3]));

    Field<double> single{-std::numeric_limits<double>::infinity()};
    CHECK(to_json(single) == "{\n  \"v\": \"-Infinity\"\n}\n");
    CHECK(from_json<Field<double>>(to_json(single)).v == single.v);
    CHECK(std::isnan(from_json<Field<float>>(R"({"v": "NaN"})").v));
    CHECK(from_json<Field<double>>(R"({"v": -0.0})").v == 0.0);
    CHECK(std::signbit(from_json<Field<double>>(R"({"v": -0.0})").v));

    // Accepted only where a float is expected.
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int32_t>>(R"({"v": "NaN"})"),
                            brine::Errc::malformed, "expected an integer at $.v, got string");
    BRINE_CHECK_THROWS_CODE(from_json<Field<double>>(R"({"v": "nan"})"), brine::Errc::malformed,
                            "expected a number at $.v, got string");
    // The bare token is not JSON.
    BRINE_CHECK_THROWS_CODE(from_json<Field<double>>(R"({"v": NaN})"), brine::Errc::malformed,
                            "invalid JSON: Invalid value at byte 6");
    BRINE_CHECK_THROWS_CODE(from_json<Field<double>>(R"({"v": -Infinity})"), brine::Errc::malformed,
                            "invalid JSON: Invalid value at byte 7");
}

TEST_CASE("json: numbers at the edges of a double", "[json]") {
    CHECK(from_json<Field<double>>(R"({"v": 7})").v == 7.0);
    CHECK(from_json<Field<double>>(R"({"v": -9223372036854775808})").v == -9223372036854775808.0);
    CHECK(from_json<Field<double>>(R"({"v": 100000000000000000000})").v == 1e20);
    CHECK(from_json<Field<double>>(R"({"v": 1e-400})").v == 0.0);
    CHECK(std::signbit(from_json<Field<double>>(R"({"v": -1e-400})").v));
    // RapidJSON 1.1.0's own conversion overflows a signed int here (undefined behaviour).
    CHECK(from_json<Field<double>>(R"({"v": 0.0000000001e-2147483639})").v == 0.0);
    CHECK(from_json<Field<double>>(R"({"v": 2.2250738585072011e-308})").v ==
          2.2250738585072011e-308);
    BRINE_CHECK_THROWS_CODE(from_json<Field<double>>(R"({"v": 10e308})"), brine::Errc::malformed,
                            "number 10e308 is out of range for a double at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<double>>(R"({"v": 1e400})"), brine::Errc::malformed,
                            "invalid JSON: Number too big to be stored in double at byte 6");
    BRINE_CHECK_THROWS_CODE(from_json<Field<float>>(R"({"v": 1e39})"), brine::Errc::malformed,
                            "number out of range for float at $.v");
}

TEST_CASE("json: syntax errors report RapidJSON's message and the byte offset", "[json]") {
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": [1, 2 3]})", brine::Limits{}),
                            brine::Errc::malformed,
                            "brine: malformed file: invalid JSON: Missing a comma or ']' after an "
                            "array element at byte 12");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": 1,})", brine::Limits{}),
                            brine::Errc::malformed,
                            "invalid JSON: Missing a name for object member at byte 8");
    // Text that ends inside the document is truncated, not malformed.
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive("{\"a\": 1", brine::Limits{}),
                            brine::Errc::truncated,
                            "brine: truncated file: the JSON document ends after 7 bytes, inside a "
                            "value (Missing a comma or '}' after an object member at byte 7)");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive("[1]", brine::Limits{}), brine::Errc::malformed,
                            "expected an object at $, got array");
}

TEST_CASE("json: empty input is a syntax error", "[json]") {
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive("", brine::Limits{}), brine::Errc::malformed,
                            "invalid JSON: The document is empty at byte 0");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(" \n\t ", brine::Limits{}),
                            brine::Errc::malformed,
                            "invalid JSON: The document is empty at byte 4");
}

TEST_CASE("json: a million nested arrays are refused at the depth limit, quickly", "[json]") {
    const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
    const auto start = std::chrono::steady_clock::now();
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(deep, brine::Limits{}),
                            brine::Errc::limit_exceeded, "nesting deeper than 64 at $[0][0][0]");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < std::chrono::seconds(1));

    brine::Limits limits;
    limits.max_nesting = 3;
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": {"b": [[1]]}})", limits),
                            brine::Errc::limit_exceeded, "nesting deeper than 3 at $.a.b[0]");
    CHECK_NOTHROW(brine::JsonInputArchive(R"({"a": {"b": [1]}})", limits));
}

TEST_CASE("json: with the depth limit lifted, parsing and freeing a million levels never recurse",
          "[json]") {
    brine::Limits limits;
    limits.max_nesting = 2000000;
    const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(deep, limits), brine::Errc::malformed,
                            "expected an object at $, got array");
    const std::string open = "{\"a\": " + std::string(1000000, '[');
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(open, limits), brine::Errc::truncated,
                            "at byte 1000006");
}

TEST_CASE("json: duplicate keys are refused with their path", "[json]") {
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"m": {"w": 1, "w": 2}})", brine::Limits{}),
                            brine::Errc::malformed, "duplicate key 'w' at $.m");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": 1, "a": 1})", brine::Limits{}),
                            brine::Errc::malformed, "duplicate key 'a' at $");
    // Large objects switch to a hash index; a duplicate is still found.
    std::string wide = "{\"x\": [{";
    for (int i = 0; i < 100; ++i) wide += "\"k" + std::to_string(i) + "\": 0, ";
    wide += "\"k57\": 1}]}";
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(wide, brine::Limits{}), brine::Errc::malformed,
                            "duplicate key 'k57' at $.x[0]");
    // The same key in sibling objects is fine.
    CHECK_NOTHROW(
        brine::JsonInputArchive(R"({"a": {"w": 1}, "b": {"w": 2}, "w": 3})", brine::Limits{}));
}

TEST_CASE("json: values of the wrong JSON type are refused with their path", "[json]") {
    BRINE_CHECK_THROWS_CODE(from_json<Field<double>>(R"({"v": "abc"})"), brine::Errc::malformed,
                            "expected a number at $.v, got string");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int32_t>>(R"({"v": null})"),
                            brine::Errc::malformed, "expected an integer at $.v, got null");
    BRINE_CHECK_THROWS_CODE(from_json<Field<bool>>(R"({"v": 1})"), brine::Errc::malformed,
                            "expected a boolean at $.v, got number");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>(R"({"v": ["a"]})"),
                            brine::Errc::malformed, "expected a string at $.v, got array");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::vector<double>>>(R"({"v": {"a": 1}})"),
                            brine::Errc::malformed, "expected an array at $.v, got object");
    BRINE_CHECK_THROWS_CODE(from_json<Holder>(R"({"model": [1]})"), brine::Errc::malformed,
                            "expected an object at $.model, got array (reading field 'coef')");
    BRINE_CHECK_THROWS_CODE(from_json<Holder>(R"({"model": 1})"), brine::Errc::malformed,
                            "expected an object or array at $.model, got number");
    BRINE_CHECK_THROWS_CODE(
        from_json<Payload>(R"({"steps": [{"mean": {"size": 4, "data": [1, 2.5, 3, "x"]}}]})"),
        brine::Errc::malformed, "expected a number at $.steps[0].mean.data[3], got string");
    BRINE_CHECK_THROWS_CODE(
        load_payload<Payload>(
            R"({"payload": {"steps": [{"mean": {"size": 1, "data": [0]}}, {"mean": {"size": 1, "data": [true]}}]}})"),
        brine::Errc::malformed,
        "expected a number at $.payload.steps[1].mean.data[0], got boolean");
}

TEST_CASE("json: integers are range-checked for their target type", "[json]") {
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::uint32_t>>(R"({"v": 4294967296})"),
                            brine::Errc::malformed,
                            "integer 4294967296 out of range for uint32 at $.v");
    CHECK(from_json<Field<std::uint32_t>>(R"({"v": 4294967295})").v == 4294967295u);
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::uint64_t>>(R"({"v": -1})"), brine::Errc::malformed,
                            "integer -1 out of range for uint64 at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::uint8_t>>(R"({"v": 256})"), brine::Errc::malformed,
                            "integer 256 out of range for uint8 at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int8_t>>(R"({"v": -129})"), brine::Errc::malformed,
                            "integer -129 out of range for int8 at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int16_t>>(R"({"v": 32768})"),
                            brine::Errc::malformed, "integer 32768 out of range for int16 at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int64_t>>(R"({"v": 9223372036854775808})"),
                            brine::Errc::malformed,
                            "integer 9223372036854775808 out of range for int64 at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::uint64_t>>(R"({"v": 18446744073709551616})"),
                            brine::Errc::malformed,
                            "integer 18446744073709553000.0 out of range for uint64 at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int64_t>>(R"({"v": -1e30})"),
                            brine::Errc::malformed, "integer -1e30 out of range for int64 at $.v");
}

TEST_CASE("json: a fraction or exponent where an integer is expected is refused", "[json]") {
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int32_t>>(R"({"v": 1.5})"), brine::Errc::malformed,
                            "expected an integer at $.v, got 1.5");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::uint64_t>>(R"({"v": 2.0})"),
                            brine::Errc::malformed, "expected an integer at $.v, got 2.0");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::int64_t>>(R"({"v": 1e3})"), brine::Errc::malformed,
                            "expected an integer at $.v, got 1000.0");
    IntVec iv{std::vector<std::int32_t>(2)};
    brine::JsonInputArchive ar(R"({"data": [1, 0.5]})", brine::Limits{});
    BRINE_CHECK_THROWS_CODE(ar(iv), brine::Errc::malformed,
                            "expected an integer at $.data[1], got 0.5");
}

TEST_CASE("json: a missing field is refused with its path", "[json]") {
    BRINE_CHECK_THROWS_CODE(load_payload<Holder>(R"({"payload": {"model": {}}})"),
                            brine::Errc::malformed, "missing field 'coef' at $.payload.model");
    BRINE_CHECK_THROWS_CODE(from_json<Holder>(R"({})"), brine::Errc::malformed,
                            "missing field 'model' at $");
}

TEST_CASE("json: unknown fields are refused unless allowed", "[json]") {
    const std::string text = R"({"payload": {"model": {"coef": 1.5}, "x": 2}})";
    BRINE_CHECK_THROWS_CODE(load_payload<Holder>(text), brine::Errc::malformed,
                            "unknown field 'x' at $.payload");
    CHECK(load_payload<Holder>(text, true).model.coef == 1.5);
    BRINE_CHECK_THROWS_CODE(load_payload<Holder>(R"({"payload": {"model": {"coef": 1, "z": {}}}})"),
                            brine::Errc::malformed, "unknown field 'z' at $.payload.model");
    // Top level: checked by finish(), or by a class loaded unnamed at the top level.
    BRINE_CHECK_THROWS_CODE(
        load_payload<Holder>(R"({"payload": {"model": {"coef": 1}}, "extra": 0})"),
        brine::Errc::malformed, "unknown field 'extra' at $");
    BRINE_CHECK_THROWS_CODE(from_json<Model>(R"({"coef": 1, "extra": 0})"), brine::Errc::malformed,
                            "unknown field 'extra' at $");
    // Fields are looked up by name, in any order.
    CHECK(from_json<Small>(R"({"empty": [], "x": 2.5, "inner": {"ys": [], "flag": false},
                               "id": 1, "label": "q"})")
              .x == 2.5);
}

TEST_CASE("json: invalid UTF-8, bad escapes and NUL in keys are refused", "[json]") {
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>("{\"v\": \"a\xFF\"}"),
                            brine::Errc::malformed,
                            "invalid JSON: Invalid encoding in string at byte 8");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>("{\"v\": \"\xC0\xAF\"}"),
                            brine::Errc::malformed, "Invalid encoding in string");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>("{\"v\xED\xA0\x80\": 1}"),
                            brine::Errc::malformed, "Invalid encoding in string");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>(R"({"v": "\udc00"})"),
                            brine::Errc::malformed,
                            "string contains an unpaired UTF-16 surrogate at $.v");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>(R"({"v": "\ud800x"})"),
                            brine::Errc::malformed,
                            "invalid JSON: The surrogate pair in string is invalid");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": {"b\u0000": 1}})", brine::Limits{}),
                            brine::Errc::malformed, "key contains a NUL character at $.a");
}

TEST_CASE("json: bytes after the document are refused", "[json]") {
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive("{} x", brine::Limits{}),
                            brine::Errc::malformed,
                            "trailing characters after the JSON document at byte 3");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive("{}{}", brine::Limits{}),
                            brine::Errc::malformed,
                            "trailing characters after the JSON document at byte 2");
    BRINE_CHECK_THROWS_CODE(
        brine::JsonInputArchive(std::string_view("{}\n\0{}", 5), brine::Limits{}),
        brine::Errc::malformed, "trailing characters after the JSON document at byte 3");
    CHECK_NOTHROW(brine::JsonInputArchive("\t{} \r\n", brine::Limits{}));
}

TEST_CASE("json: strings, arrays, objects and the text are bounded by the limits", "[json]") {
    brine::Limits limits;
    limits.max_string_length = 4;
    CHECK(from_json<Field<std::string>>(R"({"v": "abcd"})", limits).v == "abcd");
    BRINE_CHECK_THROWS_CODE(from_json<Field<std::string>>(R"({"v": "abcde"})", limits),
                            brine::Errc::limit_exceeded,
                            "string of 5 bytes exceeds the limit of 4 at $.v");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"x": {"abcdef": 1}})", limits),
                            brine::Errc::limit_exceeded,
                            "key of 6 bytes exceeds the limit of 4 at $.x");

    limits = brine::Limits{};
    limits.max_elements = 3;
    CHECK_NOTHROW(brine::JsonInputArchive(R"({"a": [1, 2, 3]})", limits));
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": [[1, 2, 3, 4]]})", limits),
                            brine::Errc::limit_exceeded,
                            "array has more than 3 elements at $.a[0]");
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": 1, "b": 2, "c": 3, "d": 4})", limits),
                            brine::Errc::limit_exceeded, "object has more than 3 members at $");

    limits = brine::Limits{};
    limits.max_file_bytes = 8;
    BRINE_CHECK_THROWS_CODE(brine::JsonInputArchive(R"({"a": 12})", limits),
                            brine::Errc::limit_exceeded,
                            "JSON document of 9 bytes is over the limit");
}

TEST_CASE("json: check_array refuses a length over the limit or unlike the data", "[json]") {
    // A size of 10^12 with three values: refused before anything is allocated.
    BRINE_CHECK_THROWS_CODE(
        from_json<Vec>(R"({"size": 1000000000000, "data": [1, 2, 3]})"),
        brine::Errc::limit_exceeded,
        "'data' has 1000000000000 entries, more than the limit of 536870912 at $");
    BRINE_CHECK_THROWS_CODE(from_json<Vec>(R"({"size": 4, "data": [1, 2, 3]})"),
                            brine::Errc::malformed, "expected 4 entries at $.data, got 3");
    BRINE_CHECK_THROWS_CODE(from_json<Vec>(R"({"size": 1, "data": 1})"), brine::Errc::malformed,
                            "expected an array at $.data, got number");
    BRINE_CHECK_THROWS_CODE(load_payload<Step>(R"({"payload": {"mean": {"size": 1}}})"),
                            brine::Errc::malformed, "missing field 'data' at $.payload.mean");
    CHECK(from_json<Vec>(R"({"size": 3, "data": [1, 2, 3]})").values ==
          std::vector<double>{1, 2, 3});

    // An ArrayView of the wrong length is refused even without check_array.
    IntVec iv{std::vector<std::int32_t>(3)};
    brine::JsonInputArchive ar(R"({"data": [1, 2]})", brine::Limits{});
    BRINE_CHECK_THROWS_CODE(ar(iv), brine::Errc::malformed, "expected 3 entries at $.data, got 2");
}

TEST_CASE("json: the archives report fail() with the current path", "[json]") {
    brine::JsonInputArchive in(R"({"a": {"b": [{"c": 1}]}})", brine::Limits{});
    CHECK(in.limits().max_nesting == 64);
    BRINE_CHECK_THROWS_CODE(in.fail(brine::Errc::invalid_model, "bad"), brine::Errc::invalid_model,
                            "brine: invalid model: bad at $");
}

TEST_CASE("json: saving refuses what JSON cannot hold", "[json]") {
    BRINE_CHECK_THROWS_CODE(to_json(Field<std::string>{"ok\xFFno"}), brine::Errc::invalid_argument,
                            "string is not valid UTF-8 (byte 2) at $");
    BRINE_CHECK_THROWS_CODE(to_json(Field<std::string>{"\xED\xA0\x80"}),
                            brine::Errc::invalid_argument, "not valid UTF-8");
    BRINE_CHECK_THROWS_CODE(
        to_json(Field<Unnamed>{}), brine::Errc::invalid_argument,
        "unnamed value inside a JSON object (wrap it in cereal::make_nvp) at $.v");
    std::string out;
    brine::JsonOutputArchive ar(out);
    BRINE_CHECK_THROWS_CODE(ar(1), brine::Errc::invalid_argument,
                            "unnamed value inside a JSON object");
    BRINE_CHECK_THROWS_CODE(from_json<Field<Unnamed>>(R"({"v": {"a": 1}})"),
                            brine::Errc::invalid_argument, "unnamed value inside a JSON object");
}
