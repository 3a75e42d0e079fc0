// Hostile JSON model files: broken syntax, nesting a million deep, duplicate keys, wrong types,
// integers out of range, missing and unknown fields, invalid UTF-8, matrices whose sizes disagree
// with their data, and bytes after the document — each refused with its code, message and path.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <chrono>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

using brine::Errc;

namespace {

brine::SaveOptions options() {
    brine::SaveOptions so;
    so.created = "2026-01-01T00:00:00Z";
    so.metadata.feature_names = {"a", "b", "c"};
    return so;
}

/// A valid JSON file of a linear regression (3 features) and of a tree classifier.
const std::string& linear_doc() {
    static const std::string doc =
        brine::to_bytes(fixtures::linear(), brine::Format::json, options());
    return doc;
}
const std::string& tree_doc() {
    static const std::string doc =
        brine::to_bytes(fixtures::tree_classifier(), brine::Format::json, options());
    return doc;
}

/// `doc` with the first `from` (which must be there) replaced by `to`.
std::string edit(const std::string& doc, const std::string& from, const std::string& to) {
    const std::size_t at = doc.find(from);
    REQUIRE(at != std::string::npos);
    return doc.substr(0, at) + to + doc.substr(at + from.size());
}

/// `doc` with `text` inserted right after the first `after`.
std::string insert_after(const std::string& doc, const std::string& after,
                         const std::string& text) {
    const std::size_t at = doc.find(after);
    REQUIRE(at != std::string::npos);
    return doc.substr(0, at + after.size()) + text + doc.substr(at + after.size());
}

#define CHECK_REFUSED(doc, errc, text)                                                        \
    do {                                                                                      \
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(doc), errc, text);                      \
        BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::LinearRegression>(doc), errc, text); \
    } while (false)

}  // namespace

TEST_CASE("the unedited documents load, so each refusal below is the edit's",
          "[io][hostile][json]") {
    CHECK(brine::from_bytes<brine::LinearRegression>(linear_doc()) == fixtures::linear());
    CHECK(brine::from_bytes<brine::DecisionTree>(tree_doc()) == fixtures::tree_classifier());
}

TEST_CASE("json: invalid syntax in a model file is malformed, with RapidJSON's reason and the byte",
          "[io][hostile][json]") {
    const std::string& d = linear_doc();
    const std::size_t data = d.find("[0.1, 5e-324");
    CHECK_REFUSED(edit(d, "[0.1, 5e-324", "[0.1 5e-324"), Errc::malformed,
                  "invalid JSON: Missing a comma or ']' after an array element at byte " +
                      std::to_string(data + 5));
    CHECK_REFUSED(edit(d, "5e-324", "NaN"), Errc::malformed,
                  "invalid JSON: Invalid value at byte " + std::to_string(data + 6));
    CHECK_REFUSED(edit(d, "5e-324", "Infinity"), Errc::malformed, "invalid JSON: Invalid value");
    CHECK_REFUSED(edit(d, "5e-324", "0x10"), Errc::malformed,
                  "invalid JSON: Missing a comma or ']' after an array element");
    CHECK_REFUSED(edit(d, "5e-324", "01"), Errc::malformed,
                  "invalid JSON: Missing a comma or ']' after an array element");
    CHECK_REFUSED(edit(d, "5e-324", "+1"), Errc::malformed, "invalid JSON: Invalid value");
    CHECK_REFUSED(edit(d, "-0.0]", "-0.0,]"), Errc::malformed, "invalid JSON: Invalid value");
    CHECK_REFUSED(edit(d, "\"target_name\": \"\"", "'target_name': ''"), Errc::malformed,
                  "invalid JSON: Missing a name for object member");
    CHECK_REFUSED(edit(d, "\"target_name\": \"\"", "// comment\n\"target_name\": \"\""),
                  Errc::malformed, "invalid JSON: Missing a name for object member");
    CHECK_REFUSED(edit(d, "\"target_name\": \"\"", "\"target_name\": \"a\tb\""), Errc::malformed,
                  "invalid JSON: Invalid escape character in string");  // RapidJSON's words for a
                                                                        // raw control character
    CHECK_REFUSED(edit(d, "\"target_name\": \"\"", "\"target_name\": \"\\x41\""), Errc::malformed,
                  "invalid JSON: Invalid escape character in string");
    CHECK_REFUSED(edit(d, "\"checksum\"", "\"checksum"), Errc::malformed, "invalid JSON:");
}

TEST_CASE(
    "json: a million levels of nesting inside a model file are refused quickly, without recursion",
    "[io][hostile][json]") {
    const auto start = std::chrono::steady_clock::now();
    const std::string arrays = std::string(1000000, '[') + std::string(1000000, ']');
    CHECK_REFUSED(edit(linear_doc(), "\"extra\": []", "\"extra\": " + arrays), Errc::limit_exceeded,
                  "nesting deeper than 64 at $.header.metadata.extra[0][0][0]");
    std::string objects;
    for (int i = 0; i < 1000000; ++i) objects += "{\"a\":";
    objects += "1" + std::string(1000000, '}');
    CHECK_REFUSED(edit(linear_doc(), "\"schema_version\": 1,\n    \"coef\"",
                       "\"deep\": " + objects + ", \"coef\""),
                  Errc::limit_exceeded, "nesting deeper than 64 at $.payload.deep.a.a.a");
    // Unclosed, and as the document itself: no brine file starts with '['.
    CHECK_REFUSED(edit(linear_doc(), "\"extra\": []", "\"extra\": " + std::string(1000000, '[')),
                  Errc::limit_exceeded, "nesting deeper than 64");
    CHECK_REFUSED(arrays, Errc::not_brine_file,
                  "expected the brine magic 89 42 52 49 4e 45 0d 0a or a JSON object");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    // Linear in the input: about 0.2 s in a Debug build, well under this bound even under valgrind.
    CHECK(elapsed < std::chrono::seconds(30));
}

TEST_CASE("json: duplicate keys are refused at the top level, in the header and in the payload",
          "[io][hostile][json]") {
    const std::string& d = linear_doc();
    CHECK_REFUSED(insert_after(d, "{\n", "  \"format\": \"brine\",\n"), Errc::malformed,
                  "duplicate key 'format' at $");
    CHECK_REFUSED(insert_after(d, "\"checksum\": \"xxh64:", "0\", \"checksum\": \"xxh64:"),
                  Errc::malformed, "duplicate key 'checksum' at $");
    CHECK_REFUSED(insert_after(d, "\"minor\": 0", ", \"major\": 2"), Errc::malformed,
                  "duplicate key 'major' at $.format_version");
    CHECK_REFUSED(
        insert_after(d, "\"kind\": \"linear_regression\",", " \"kind\": \"decision_tree\","),
        Errc::malformed, "duplicate key 'kind' at $.header");
    CHECK_REFUSED(insert_after(d, "\"target_name\": \"\",", " \"target_name\": \"y\","),
                  Errc::malformed, "duplicate key 'target_name' at $.header.metadata");
    CHECK_REFUSED(
        insert_after(d, "\"payload\": {", " \"coef\": {\"rows\": 0, \"cols\": 0, \"data\": []},"),
        Errc::malformed, "duplicate key 'coef' at $.payload");
    CHECK_REFUSED(insert_after(d, "\"rows\": 1,", " \"rows\": 2,"), Errc::malformed,
                  "duplicate key 'rows' at $.payload.coef");
    CHECK_REFUSED(edit(d, "\"payload\": {\n    \"schema_version\": 1,",
                       "\"payload\": {\n    \"schema_version\": 1, \"schema_version\": 1,"),
                  Errc::malformed, "duplicate key 'schema_version' at $.payload");
    // A key/value list with the same key twice is a duplicate too, one level up.
    CHECK_REFUSED(edit(d, "\"extra\": []",
                       R"("extra": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}])"),
                  Errc::malformed, "key 'k' appears twice");
}

TEST_CASE("json: values of the wrong type are refused with their path", "[io][hostile][json]") {
    const std::string& d = linear_doc();
    CHECK_REFUSED(edit(d, "\"format\": \"brine\"", "\"format\": 1"), Errc::not_brine_file,
                  "a JSON document without \"format\": \"brine\"");
    CHECK_REFUSED(edit(d, "\"major\": 1", "\"major\": \"1\""), Errc::malformed,
                  "expected an integer at $.format_version.major, got string");
    CHECK_REFUSED(edit(d, "\"kind\": \"linear_regression\"", "\"kind\": [\"linear_regression\"]"),
                  Errc::malformed, "expected a string at $.header.kind, got array");
    CHECK_REFUSED(edit(d, "\"schema_version\": 1", "\"schema_version\": 1.0"), Errc::malformed,
                  "expected an integer at $.header.schema_version, got 1.0");
    CHECK_REFUSED(edit(d, "\"schema_version\": 1", "\"schema_version\": true"), Errc::malformed,
                  "expected an integer at $.header.schema_version, got boolean");
    CHECK_REFUSED(edit(d, "\"created\": \"2026-01-01T00:00:00Z\"", "\"created\": 20260101"),
                  Errc::malformed, "expected a string at $.header.created, got number");
    CHECK_REFUSED(
        edit(d, "\"feature_names\": [\"a\", \"b\", \"c\"]", "\"feature_names\": \"a,b,c\""),
        Errc::malformed,
        "expected an object or array at $.header.metadata.feature_names, got string");
    CHECK_REFUSED(
        edit(d, "\"feature_names\": [\"a\", \"b\", \"c\"]", "\"feature_names\": [\"a\", 2, \"c\"]"),
        Errc::malformed, "expected a string at $.header.metadata.feature_names[1], got number");
    CHECK_REFUSED(edit(d, "\"metadata\": {", "\"metadata\": null, \"x\": {"), Errc::malformed,
                  "at $.header.metadata, got null");
    CHECK_REFUSED(edit(d, "\"data\": [0.1, 5e-324, -0.0]", "\"data\": [0.1, \"5e-324\", -0.0]"),
                  Errc::malformed, "expected a number at $.payload.coef.data[1], got string");
    CHECK_REFUSED(edit(d, "\"data\": [0.1, 5e-324, -0.0]", "\"data\": [0.1, null, -0.0]"),
                  Errc::malformed, "expected a number at $.payload.coef.data[1], got null");
    CHECK_REFUSED(edit(d, "\"data\": [0.1, 5e-324, -0.0]", "\"data\": {\"0\": 0.1}"),
                  Errc::malformed, "expected an array at $.payload.coef.data, got object");
    CHECK_REFUSED(edit(d, "\"checksum\": \"xxh64:", "\"checksum\": 1, \"c\": \""), Errc::malformed,
                  "expected a string at $.checksum, got number");
    CHECK_REFUSED(edit(d, "\"checksum\": \"xxh64:", "\"checksum\": \"XXH64:"), Errc::malformed,
                  "is not \"xxh64:\" followed by 16 hex digits");
    const std::string& t = tree_doc();
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "\"n_features\": 2", "\"n_features\": \"2\"")),
        Errc::malformed, "expected an integer at $.payload.n_features, got string");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "[1, -1, 3, -1, -1]", "[1, -1, 3.5, -1, -1]")),
        Errc::malformed, "expected an integer at $.payload.children_left.data[2], got 3.5");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "\"task\": \"classification\"", "\"task\": 0")),
        Errc::malformed, "expected a string at $.payload.task, got number");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "\"task\": \"classification\"", "\"task\": \"ranking\"")),
        Errc::malformed, "tree task 'ranking', expected 'classification' or 'regression'");
}

TEST_CASE("json: integers out of range for their field are refused with their path",
          "[io][hostile][json]") {
    const std::string& d = linear_doc();
    CHECK_REFUSED(edit(d, "\"major\": 1", "\"major\": 65537"), Errc::malformed,
                  "integer 65537 out of range for uint16 at $.format_version.major");
    CHECK_REFUSED(edit(d, "\"minor\": 0", "\"minor\": -1"), Errc::malformed,
                  "integer -1 out of range for uint16 at $.format_version.minor");
    CHECK_REFUSED(edit(d, "\"schema_version\": 1", "\"schema_version\": 4294967297"),
                  Errc::malformed,
                  "integer 4294967297 out of range for uint32 at $.header.schema_version");
    CHECK_REFUSED(edit(d, "\"n_samples\": 0", "\"n_samples\": -1"), Errc::malformed,
                  "integer -1 out of range for uint64 at $.header.metadata.provenance.n_samples");
    CHECK_REFUSED(edit(d, "\"n_samples\": 0", "\"n_samples\": 18446744073709551616"),
                  Errc::malformed,
                  "out of range for uint64 at $.header.metadata.provenance.n_samples");
    CHECK_REFUSED(edit(d, "\"rows\": 1", "\"rows\": -1"), Errc::malformed,
                  "integer -1 out of range for uint64 at $.payload.coef.rows");
    CHECK_REFUSED(edit(d, "5e-324", "1e309"), Errc::malformed,
                  "invalid JSON: Number too big to be stored in double at byte");
    const std::string& t = tree_doc();
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "\"n_features\": 2", "\"n_features\": 2147483648")),
        Errc::malformed, "integer 2147483648 out of range for int32 at $.payload.n_features");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "[1, -1, 3, -1, -1]", "[1, -1, 3, -1, -2147483649]")),
        Errc::malformed,
        "integer -2147483649 out of range for int32 at $.payload.children_left.data[4]");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(edit(t, "\"n_nodes\": 5", "\"n_nodes\": 9223372036854775808")),
        Errc::limit_exceeded, "tree of 9223372036854775808 nodes exceeds the limit of 67108864");
}

TEST_CASE("json: matrix sizes that disagree with their data or overflow are refused",
          "[io][hostile][json]") {
    const std::string& d = linear_doc();
    CHECK_REFUSED(edit(d, "\"cols\": 3", "\"cols\": 4"), Errc::malformed,
                  "expected 4 entries at $.payload.coef.data, got 3");
    CHECK_REFUSED(edit(d, "\"cols\": 3", "\"cols\": 2"), Errc::malformed,
                  "expected 2 entries at $.payload.coef.data, got 3");
    CHECK_REFUSED(edit(d, "\"rows\": 1,\n      \"cols\": 3",
                       "\"rows\": 4294967296,\n      \"cols\": 4294967296"),
                  Errc::malformed,
                  "array shape 4294967296 x 4294967296 overflows at $.payload.coef");
    CHECK_REFUSED(
        edit(d, "\"rows\": 1,\n      \"cols\": 3", "\"rows\": 2147483648,\n      \"cols\": 1"),
        Errc::limit_exceeded, "'data' has 2147483648 entries");
    CHECK_REFUSED(edit(d, "\"rows\": 1,\n      \"cols\": 3",
                       "\"rows\": 9223372036854775807,\n      \"cols\": 1"),
                  Errc::malformed,
                  "array shape 9223372036854775807 x 1 overflows at $.payload.coef");
    CHECK_REFUSED(edit(d, "\"rows\": 1,\n      \"cols\": 1", "\"rows\": 1,\n      \"cols\": 2"),
                  Errc::malformed,
                  "array of shape 1 x 2 where the field has shape n x 1 at $.payload.intercept");
}

TEST_CASE("json: missing fields are refused with their name and path", "[io][hostile][json]") {
    const std::string& d = linear_doc();
    CHECK_REFUSED(edit(d, ",\n  \"checksum\": \"xxh64:", ", \"c\": \"xxh64:"), Errc::malformed,
                  "missing field 'checksum' at $");
    CHECK_REFUSED(edit(d, "\"header\": {", "\"h\": {"), Errc::malformed,
                  "missing field 'header' at $");
    CHECK_REFUSED(edit(d, "\"payload\": {", "\"p\": {"), Errc::malformed,
                  "missing field 'payload' at $");
    CHECK_REFUSED(edit(d, "\"minor\": 0", "\"minr\": 0"), Errc::malformed,
                  "missing field 'minor' at $.format_version");
    CHECK_REFUSED(edit(d, "\"created\": \"2026-01-01T00:00:00Z\",", ""), Errc::malformed,
                  "missing field 'created' at $.header");
    CHECK_REFUSED(edit(d, "\"n_samples\": 0,", ""), Errc::malformed,
                  "missing field 'n_samples' at $.header.metadata.provenance");
    CHECK_REFUSED(edit(d, "\"intercept\"", "\"icept\""), Errc::malformed,
                  "missing field 'intercept' at $.payload");
    CHECK_REFUSED(edit(d, ",\n      \"data\": [0.1, 5e-324, -0.0]", ""), Errc::malformed,
                  "missing field 'data' at $.payload.coef");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(edit(tree_doc(), "\"threshold\"", "\"thresh\"")),
                            Errc::malformed, "missing field 'threshold' at $.payload");
}

TEST_CASE("json: unknown fields are refused with their name and path", "[io][hostile][json]") {
    const std::string& d = linear_doc();
    CHECK_REFUSED(insert_after(d, "{\n", "  \"signature\": \"x\",\n"), Errc::malformed,
                  "unknown field 'signature' at $");
    CHECK_REFUSED(insert_after(d, "\"minor\": 0", ", \"patch\": 1"), Errc::malformed,
                  "unknown field 'patch' at $.format_version");
    CHECK_REFUSED(insert_after(d, "\"header\": {", " \"trusted\": true,"), Errc::malformed,
                  "unknown field 'trusted' at $.header");
    CHECK_REFUSED(insert_after(d, "\"metadata\": {", " \"owner\": \"me\","), Errc::malformed,
                  "unknown field 'owner' at $.header.metadata");
    CHECK_REFUSED(insert_after(d, "\"payload\": {", " \"__class__\": \"os.system\","),
                  Errc::malformed, "unknown field '__class__' at $.payload");
    CHECK_REFUSED(insert_after(d, "\"rows\": 1,\n      \"cols\": 3,", " \"order\": \"F\","),
                  Errc::malformed, "unknown field 'order' at $.payload.coef");
}

TEST_CASE("json: invalid UTF-8 anywhere in a model file is refused", "[io][hostile][json]") {
    const std::string& d = linear_doc();
    const std::string names = "\"feature_names\": [\"a\", \"b\", \"c\"]";
    const std::size_t b_at = d.find("\"b\"", d.find(names)) + 1;
    CHECK_REFUSED(edit(d, names, "\"feature_names\": [\"a\", \"\xFF\", \"c\"]"), Errc::malformed,
                  "invalid JSON: Invalid encoding in string at byte " + std::to_string(b_at));
    CHECK_REFUSED(edit(d, names, "\"feature_names\": [\"a\", \"\xC0\xAF\", \"c\"]"),
                  Errc::malformed,
                  "Invalid encoding in string");  // overlong "/"
    CHECK_REFUSED(edit(d, names, "\"feature_names\": [\"a\", \"\xE2\x82\", \"c\"]"),
                  Errc::malformed,
                  "Invalid encoding in string");  // a 3-byte sequence cut short
    CHECK_REFUSED(edit(d, names, "\"feature_names\": [\"a\", \"\xED\xA0\x80\", \"c\"]"),
                  Errc::malformed,
                  "Invalid encoding in string");  // an encoded surrogate (CESU-8)
    CHECK_REFUSED(edit(d, names, "\"feature_names\": [\"a\", \"\xF4\x90\x80\x80\", \"c\"]"),
                  Errc::malformed,
                  "Invalid encoding in string");  // beyond U+10FFFF
    CHECK_REFUSED(
        edit(d, names, "\"feature_names\": [\"a\", \"\\udc00\", \"c\"]"), Errc::malformed,
        "string contains an unpaired UTF-16 surrogate at $.header.metadata.feature_names[1]");
    CHECK_REFUSED(edit(d, "\"target_name\"", "\"target_\xFFname\""), Errc::malformed,
                  "Invalid encoding in string");
    CHECK_REFUSED(edit(d, "\"target_name\"", "\"target\\u0000name\""), Errc::malformed,
                  "key contains a NUL character at $.header.metadata");
}

TEST_CASE("json: bytes after the document are refused, even another document",
          "[io][hostile][json]") {
    const std::string& d = linear_doc();
    const std::string at =
        "trailing characters after the JSON document at byte " + std::to_string(d.size());
    CHECK_REFUSED(d + "x", Errc::malformed, at);
    CHECK_REFUSED(d + d, Errc::malformed, at);  // two model files in one
    CHECK_REFUSED(d + std::string("\0{}", 3), Errc::malformed, at);
    CHECK_REFUSED(d + brine::to_bytes(fixtures::linear()), Errc::malformed,
                  at);  // a binary file appended
    CHECK_REFUSED(d + "\xEF\xBB\xBF", Errc::malformed, at);
    CHECK(brine::from_bytes<brine::LinearRegression>(d + " \t\r\n") == fixtures::linear());
}

TEST_CASE("json: a file on disk is refused the same way", "[io][hostile][json]") {
    TempDir dir;
    write_all(dir.file("m.json"), linear_doc() + "x");
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("m.json")), Errc::malformed,
                            "trailing characters after the JSON document");
    write_all(dir.file("m.json"),
              edit(linear_doc(), "\"kind\": \"linear_regression\",", "\"kind\": 7,"));
    BRINE_CHECK_THROWS_CODE(brine::inspect(dir.file("m.json")), Errc::malformed,
                            "expected a string at $.header.kind, got number");
}

TEST_CASE("json: a document over max_json_bytes is refused before it is parsed",
          "[io][hostile][json]") {
    // JSON's document tree can take ~24x the text's size, so JSON has its own, lower size limit.
    CHECK(brine::LoadOptions{}.max_json_bytes == std::uint64_t{1} << 28);
    const auto model = fixtures::tree_classifier();
    const std::string json = brine::to_bytes(model, brine::Format::json);
    const std::string binary = brine::to_bytes(model, brine::Format::binary);
    brine::LoadOptions o;
    o.max_json_bytes = json.size() - 1;
    const std::string expected = "JSON document of " + std::to_string(json.size()) +
                                 " bytes exceeds max_json_bytes, " +
                                 std::to_string(json.size() - 1);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::DecisionTree>(json, o),
                            brine::Errc::limit_exceeded, expected);
    BRINE_CHECK_THROWS_CODE(brine::inspect_bytes(json, o), brine::Errc::limit_exceeded, expected);
    const TempDir dir;
    const std::string path = dir.file("m.json");
    brine::save(model, path);
    BRINE_CHECK_THROWS_CODE(brine::load_any(path, o), brine::Errc::limit_exceeded, expected);
    // The streamed path's early check (files over detail::stream_threshold) says the same.
    BRINE_CHECK_THROWS_CODE(brine::detail::load_any_file(path, o, 0), brine::Errc::limit_exceeded,
                            expected);
    // Exactly at the limit it loads; the binary encoding is not concerned.
    o.max_json_bytes = json.size();
    CHECK(brine::from_bytes<brine::DecisionTree>(json, o) == model);
    o.max_json_bytes = 1;
    CHECK(brine::from_bytes<brine::DecisionTree>(binary, o) == model);
}
