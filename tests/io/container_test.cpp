// The container's refusals: wrong magic, versions from the future, damaged and truncated files,
// trailing bytes, kind mismatches and reference predictions that no longer agree.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <string>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"

namespace {

using brine::Errc;

std::string u16(std::uint16_t v) {
    return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}

/// Recomputes the trailing checksum after a deliberate edit, so the edit itself is what is tested.
using io_fixtures::resign;

std::size_t payload_offset(const std::string& bytes) {
    return brine::detail::split_binary(bytes).payload_offset;
}

template <class Model = brine::LinearRegression>
brine::Errc load_error(const std::string& bytes, const brine::LoadOptions& o = {}) {
    try {
        (void)brine::from_bytes<Model>(bytes, o);
    } catch (const brine::Error& e) {
        return e.code();
    }
    FAIL("loaded without error");
    return Errc::io;
}

std::string with_reference(brine::Format f) {
    brine::SaveOptions so;
    so.reference_inputs = fixtures::rows(3);
    return brine::to_bytes(fixtures::linear(), f, so);
}

}  // namespace

TEST_CASE("not a brine file", "[io][container]") {
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(""), Errc::truncated, "empty input");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any("hello world"), Errc::not_brine_file,
        "the data starts with 68 65 6c 6c 6f 20 77 6f, expected the brine magic");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(std::string("\x80\x04\x95\x00", 4)),
                            Errc::not_brine_file, "looks like a Python pickle");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(std::string("PK\x03\x04zzzz", 8)),
                            Errc::not_brine_file, "ZIP");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any("{\"a\": 1}"), Errc::not_brine_file,
                            "a JSON document without \"format\": \"brine\"");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any("{\"format\": \"onnx\"}"), Errc::not_brine_file,
                            "\"format\": \"onnx\", expected \"brine\"");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any("[1, 2]"), Errc::not_brine_file,
                            "expected the brine magic");
}

TEST_CASE("format versions from the future are refused, naming both versions", "[io][container]") {
    std::string b = brine::to_bytes(fixtures::linear(), brine::Format::binary);
    b.replace(8, 2, u16(2));
    resign(b);
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(b), Errc::unsupported_version,
        "file format version 2.0, this build of brine reads versions 1.0 to 1.0");
    BRINE_CHECK_THROWS_CODE(brine::inspect_bytes(b), Errc::unsupported_version,
                            "file format version 2.0");

    std::string j = brine::to_bytes(fixtures::linear(), brine::Format::json);
    const auto at = j.find("\"major\": 1");
    REQUIRE(at != std::string::npos);
    j.replace(at, 10, "\"major\": 7");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(j), Errc::unsupported_version,
        "file format version 7.0, this build of brine reads versions 1.0 to 1.0");
}

TEST_CASE("a newer minor version loads, ignoring fields it adds (JSON)", "[io][container]") {
    std::string j = brine::to_bytes(fixtures::linear(), brine::Format::json);
    const auto at = j.find("\"minor\": 0");
    REQUIRE(at != std::string::npos);
    j.replace(at, 10, "\"minor\": 3");
    const auto hdr = j.find("\"kind\":");
    j.insert(hdr, "\"added_in_1_3\": {\"x\": [1, 2]}, ");
    // The checksum covers the binary encoding of the known fields, which says minor 3: recompute
    // it.
    brine::detail::JsonDocument doc(j, brine::Limits{});
    const auto m = fixtures::linear();
    const std::string sum =
        brine::detail::hex64(brine::detail::binary_body_checksum(m, doc.header(), 1, 3));
    const auto c = j.find("xxh64:");
    j.replace(c + 6, 16, sum);
    CHECK(brine::from_bytes<brine::LinearRegression>(j) == m);

    // With the current minor version, an unknown field is an error.
    std::string k = brine::to_bytes(fixtures::linear(), brine::Format::json);
    k.insert(k.find("\"kind\":"), "\"surprise\": 1, ");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(k), Errc::malformed, "unknown field 'surprise'");
}

TEST_CASE("schema versions from the future are refused", "[io][container]") {
    // Payload: the model's own schema_version is its first field.
    std::string b = brine::to_bytes(fixtures::linear(), brine::Format::binary);
    const std::size_t p = payload_offset(b);
    b[p] = 2;
    resign(b);
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(b), Errc::unsupported_version,
        "linear_regression schema version 2, this build of brine reads versions 1 to 1");
    // Header: kind (u64 length + text), then the schema version.
    std::string h = brine::to_bytes(fixtures::linear(), brine::Format::binary);
    const std::size_t at = 20 + 8 + std::string("linear_regression").size();
    REQUIRE(h[at] == 1);
    h[at] = 9;
    resign(h);
    BRINE_CHECK_THROWS_CODE(brine::inspect_bytes(h), Errc::unsupported_version,
                            "linear_regression schema version 9");

    std::string j = brine::to_bytes(fixtures::tree_classifier(), brine::Format::json);
    const auto s = j.find("\"schema_version\": 1", j.find("\"payload\""));
    j.replace(s, 19, "\"schema_version\": 4");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(j), Errc::unsupported_version,
        "decision_tree schema version 4, this build of brine reads versions 1 to 2");
}

TEST_CASE("an unknown model kind is refused as written by a newer brine", "[io][container]") {
    std::string j = brine::to_bytes(fixtures::linear(), brine::Format::json);
    j.replace(j.find("\"linear_regression\""), 19, "\"gradient_boosting\"");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(j), Errc::unsupported_version,
                            "unknown model kind 'gradient_boosting' (written by a newer brine?)");
}

TEST_CASE("every truncation of a binary file is an error", "[io][container]") {
    const std::string full = with_reference(brine::Format::binary);
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
        INFO("cut at " << cut);
        CHECK(load_error(full.substr(0, cut)) == Errc::truncated);
    }
}

TEST_CASE("every truncation of a JSON file is an error", "[io][container]") {
    const std::string full = with_reference(brine::Format::json);
    const std::size_t end = full.find_last_not_of(" \n\r\t") + 1;
    for (std::size_t cut = 0; cut < end; ++cut) {
        INFO("cut at " << cut);
        const Errc e = load_error(full.substr(0, cut));
        CHECK((e == Errc::malformed || e == Errc::truncated || e == Errc::not_brine_file));
    }
}

TEST_CASE("a one-bit change anywhere in a binary file is an error", "[io][container]") {
    const std::string full = with_reference(brine::Format::binary);
    const std::size_t payload = payload_offset(full);
    for (std::size_t i = 0; i < full.size(); ++i) {
        for (int bit : {0, 7}) {
            std::string damaged = full;
            damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
            INFO("byte " << i << " bit " << bit);
            const Errc e = load_error(damaged);
            if (i >= 20 && i < payload - 8) {
                CHECK(e == Errc::checksum_mismatch);  // inside the header
            } else if (i >= payload) {
                CHECK(e == Errc::checksum_mismatch);  // inside the payload or the checksum
            }
        }
    }
}

TEST_CASE("a changed number in a JSON file fails its checksum", "[io][container]") {
    std::string j = brine::to_bytes(fixtures::linear(), brine::Format::json);
    j.replace(j.find("-0.3333333333333333"), 19, "-0.3333333333333334");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(j), Errc::checksum_mismatch,
                            "the document was changed or damaged");
    // Whitespace is not content: re-indenting keeps the checksum valid.
    std::string compact;
    bool in_string = false;
    for (char c : brine::to_bytes(fixtures::linear(), brine::Format::json)) {
        if (c == '"') in_string = !in_string;
        if (in_string || (c != ' ' && c != '\n')) compact += c;
    }
    CHECK(brine::from_bytes<brine::LinearRegression>(compact) == fixtures::linear());
}

TEST_CASE("a JSON file may start with a UTF-8 byte-order mark", "[io][container]") {
    const std::string j = brine::to_bytes(fixtures::linear(), brine::Format::json);
    CHECK(brine::from_bytes<brine::LinearRegression>("\xEF\xBB\xBF" + j) == fixtures::linear());
    CHECK(brine::inspect_bytes("\xEF\xBB\xBF" + j).kind == brine::ModelKind::linear_regression);
}

TEST_CASE("trailing bytes are refused", "[io][container]") {
    std::string b = brine::to_bytes(fixtures::linear(), brine::Format::binary);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(b + "x"), Errc::malformed,
                            "1 trailing bytes after the checksum");
    std::string j = brine::to_bytes(fixtures::linear(), brine::Format::json);
    CHECK(load_error(j + "{}") == Errc::malformed);
    CHECK(brine::from_bytes<brine::LinearRegression>(j + "\n\n") == fixtures::linear());
}

TEST_CASE("loading the wrong kind is a kind mismatch", "[io][container]") {
    for (auto f : {brine::Format::binary, brine::Format::json}) {
        const std::string bytes = brine::to_bytes(fixtures::tree_classifier(), f);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::LinearRegression>(bytes),
                                Errc::kind_mismatch,
                                "the file holds a decision_tree, not a linear_regression");
    }
}

TEST_CASE("reference predictions are checked on load", "[io][container]") {
    std::string b = with_reference(brine::Format::binary);
    CHECK(brine::from_bytes<brine::LinearRegression>(b) == fixtures::linear());
    // Change the first coefficient (payload: schema u32, rows u64, cols u64, then data) and
    // re-sign: a consistent file whose model no longer gives the stored outputs.
    const std::size_t coef = payload_offset(b) + 4 + 16;
    b[coef + 7] = static_cast<char>(b[coef + 7] ^ 0x01);
    resign(b);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::LinearRegression>(b), Errc::reference_mismatch,
                            "row 0 output 0: stored");
    brine::LoadOptions lax;
    lax.verify_reference = false;
    CHECK(brine::from_bytes<brine::LinearRegression>(b, lax).coef(0, 0) !=
          fixtures::linear().coef(0, 0));

    BRINE_CHECK_THROWS_CODE(brine::to_bytes(fixtures::linear(), brine::Format::binary,
                                            [] {
                                                brine::SaveOptions so;
                                                so.reference_inputs = fixtures::rows(2);
                                                return so;
                                            }()),
                            Errc::shape_mismatch,
                            "reference_inputs have 2 columns, the model expects 3");
}

TEST_CASE("an invalid model is refused on save and on load", "[io][container]") {
    brine::DecisionTree t = fixtures::tree_classifier();
    t.children_left(0) = 0;  // a cycle
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(t, brine::Format::binary), Errc::invalid_model,
                            "node 0");
    // Write the broken tree with the archive directly, wrap it in a valid container, and load it.
    const std::string good = brine::to_bytes(fixtures::tree_classifier(), brine::Format::binary);
    std::string payload;
    {
        brine::BinaryOutputArchive ar(payload);
        ar(t);
    }
    const auto s = brine::detail::split_binary(good);
    std::string bad = good.substr(0, s.payload_offset) + payload + std::string(8, '\0');
    REQUIRE(payload.size() == s.payload.size());
    resign(bad);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes<brine::DecisionTree>(bad), Errc::invalid_model,
                            "node 0 has child 0");
}

TEST_CASE("limits bound what a file may ask for", "[io][container]") {
    const std::string b = brine::to_bytes(fixtures::linear_multi(), brine::Format::binary);
    brine::LoadOptions o;
    o.max_file_bytes = b.size() - 1;
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(b, o), Errc::limit_exceeded, "exceeds the limit");
    o = {};
    o.max_elements = 5;
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(b, o), Errc::limit_exceeded,
                            "6 elements for 'payload.coef'");
    const std::string j = brine::to_bytes(fixtures::linear_multi(), brine::Format::json);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(j, o), Errc::limit_exceeded, "more than 5");
    o = {};
    o.max_nesting = 3;
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(j, o), Errc::limit_exceeded, "nest");
}

TEST_CASE("inspect reads the header without decoding the payload", "[io][container]") {
    brine::SaveOptions so;
    so.metadata.target_name = "y";
    std::string b = brine::to_bytes(fixtures::linear(), brine::Format::binary, so);
    // Damage the payload: load must fail, inspect of the header must not care.
    b[payload_offset(b) + 4] = 'X';
    CHECK(load_error(b) == Errc::checksum_mismatch);
    const auto s =
        brine::detail::split_binary(brine::to_bytes(fixtures::linear(), brine::Format::binary, so));
    const brine::FileInfo info = brine::detail::inspect_binary_prefix(
        std::string_view(b).substr(0, 20 + s.header.size()), b.size(), brine::Limits{});
    CHECK(info.metadata.target_name == "y");
    CHECK(info.kind == brine::ModelKind::linear_regression);
    CHECK_FALSE(info.checksum_verified);
}
