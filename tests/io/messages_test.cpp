// Error messages about files: a load from a path names the file; text from the file is cut and
// escaped before it enters a message; strings must be UTF-8 in both encodings; inspect reads no
// more of a JSON file than a load would; FileInfo::checksum_verified says what was verified.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

using brine::Errc;

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace messages_test {

const brine::Format formats[] = {brine::Format::binary, brine::Format::json};

/// The checksum of a binary file recomputed after an edit.
void resign(std::string& bytes) {
    const std::uint64_t h = brine::detail::XxHash64::hash(bytes.data(), bytes.size() - 8);
    for (int i = 0; i < 8; ++i)
        bytes[bytes.size() - 8 + static_cast<std::size_t>(i)] = static_cast<char>(h >> (8 * i));
}

/// `bytes` with the only occurrence of `from` replaced by `to` (same length in binary files).
std::string replace_once(std::string bytes, const std::string& from, const std::string& to) {
    const std::size_t at = bytes.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(bytes.find(from, at + 1) == std::string::npos);
    return bytes.replace(at, from.size(), to);
}

/// The message of the brine::Error that `f` throws, after checking its code.
template <class F>
std::string message_of(F&& f, Errc code) {
    try {
        f();
    } catch (const brine::Error& e) {
        CHECK(e.code() == code);
        return e.what();
    }
    FAIL("no error");
    return {};
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

TEST_CASE("every content error of a load from a path names the file, keeping code and message",
          "[io][files][messages]") {
    TempDir dir;
    for (const brine::Format f : formats) {
        INFO(brine::format_name(f));
        brine::SaveOptions so;
        so.format = f;
        const std::string bytes = brine::to_bytes(fixtures::linear(), f, so);
        const std::string path = dir.file(std::string("m.") + brine::format_name(f));
        const std::string named = "'" + path + "': ";

        // A truncated file: the same message as from memory, with the file's name in front.
        const std::string cut = bytes.substr(0, bytes.size() / 2);
        write_all(path, cut);
        const std::string in_memory =
            message_of([&] { brine::from_bytes_any(cut); }, Errc::truncated);
        const std::string detail = in_memory.substr(std::string("brine: truncated file: ").size());
        CHECK(message_of([&] { brine::load_any(path); }, Errc::truncated) ==
              "brine: truncated file: " + named + detail);
        CHECK(message_of([&] { brine::load<brine::LinearRegression>(path); }, Errc::truncated) ==
              "brine: truncated file: " + named + detail);
        CHECK_THAT(message_of([&] { brine::inspect(path); }, Errc::truncated),
                   BRINE_CONTAINS("brine: truncated file: " + named));

        // Another kind than asked for.
        write_all(path, bytes);
        CHECK(message_of([&] { brine::load<brine::DecisionTree>(path); }, Errc::kind_mismatch) ==
              "brine: kind mismatch: " + named +
                  "the file holds a linear_regression, not a decision_tree");

        // A changed byte in the payload: the checksum.
        std::string damaged = bytes;
        const std::size_t at =
            f == brine::Format::json ? damaged.find("0.1,") + 2 : damaged.size() - 20;
        damaged[at] = static_cast<char>(damaged[at] ^ 1);
        write_all(path, damaged);
        CHECK_THAT(message_of([&] { brine::load_any(path); }, Errc::checksum_mismatch),
                   BRINE_CONTAINS("brine: checksum mismatch: " + named));

        // Not a brine file, and an empty one.
        write_all(path, "PK\x03\x04 a zip");
        CHECK_THAT(message_of([&] { brine::load_any(path); }, Errc::not_brine_file),
                   BRINE_CONTAINS("brine: not a brine file: " + named + "the data starts with"));
        CHECK_THAT(message_of([&] { brine::inspect(path); }, Errc::not_brine_file),
                   BRINE_CONTAINS("brine: not a brine file: " + named));
        write_all(path, "");
        CHECK(message_of([&] { brine::inspect(path); }, Errc::truncated) ==
              "brine: truncated file: " + named + "empty file");
    }
    // A large binary file is decoded as it is read; its errors name the file too.
    const std::string big_path = dir.file("big.brine");
    brine::save(brine::LinearRegression(Eigen::VectorXd::LinSpaced(200000, -1.0, 1.0), 0.5),
                big_path);
    std::string big = read_all(big_path);
    big[big.size() - 100] = static_cast<char>(big[big.size() - 100] ^ 1);
    write_all(big_path, big);
    CHECK_THAT(message_of([&] { brine::load_any(big_path); }, Errc::checksum_mismatch),
               BRINE_CONTAINS("brine: checksum mismatch: '" + big_path + "': "));
    // Errors that name the file already are not given its name twice.
    const std::string missing = dir.file("missing.brine");
    const std::string io = message_of([&] { brine::load_any(missing); }, Errc::io);
    CHECK(count_of(io, missing) == 1);
    brine::LoadOptions small;
    small.max_file_bytes = 10;
    const std::string over =
        message_of([&] { brine::load_any(big_path, small); }, Errc::limit_exceeded);
    CHECK(count_of(over, big_path) == 1);
    // A path with a control character is shown escaped.
    const std::string odd = dir.file("line\nbreak.brine");
    write_all(odd, "");
    CHECK_THAT(message_of([&] { brine::load_any(odd); }, Errc::truncated),
               BRINE_CONTAINS("line\\nbreak.brine': "));
}

TEST_CASE("text from a file is cut and escaped before it enters a message",
          "[io][json][messages]") {
    brine::SaveOptions so;
    so.format = brine::Format::json;
    const std::string doc = brine::to_bytes(fixtures::linear(), brine::Format::json, so);

    // An unknown model kind: quote, control characters, a right-to-left override, 300 bytes.
    const std::string kind = "it's\x01\x7f\t\\ \xE2\x80\xAE" + std::string(300, 'k');
    std::string json_kind;
    for (char c : kind) {
        if (c == '\x01')
            json_kind += "\\u0001";
        else if (c == '\t')
            json_kind += "\\t";
        else if (c == '\\')
            json_kind += "\\\\";
        else
            json_kind += c;
    }
    const std::string bad_kind =
        replace_once(doc, "\"kind\": \"linear_regression\"", "\"kind\": \"" + json_kind + "\"");
    const std::string expected = "unknown model kind 'it\\'s\\x01\\x7f\\t\\\\ \\u202e" +
                                 std::string(64 - 12, 'k') + "...' (312 bytes)";
    CHECK_THAT(message_of([&] { brine::from_bytes_any(bad_kind); }, Errc::unsupported_version),
               BRINE_CONTAINS(expected));

    // A tree's task, with an escape sequence that would recolour a terminal.
    const std::string tree = brine::to_bytes(fixtures::tree_classifier(), brine::Format::json);
    CHECK_THAT(message_of(
                   [&] {
                       brine::from_bytes_any(replace_once(tree, "\"task\": \"classification\"",
                                                          "\"task\": \"\\u001b[31mred\""));
                   },
                   Errc::malformed),
               BRINE_CONTAINS("tree task '\\x1b[31mred', expected 'classification' or "
                              "'regression' at $.payload"));

    // Duplicate and unknown keys, and keys in a JSON path.
    const std::string long_key(200, 'x');
    CHECK_THAT(
        message_of(
            [&] {
                brine::from_bytes_any(replace_once(
                    doc, "\"payload\": {",
                    "\"payload\": {\"" + long_key + "\": 1, \"" + long_key + "\": 2,"));
            },
            Errc::malformed),
        BRINE_CONTAINS("duplicate key '" + std::string(64, 'x') + "...' (200 bytes) at $.payload"));
    CHECK_THAT(
        message_of(
            [&] {
                brine::from_bytes_any(replace_once(doc, "\"payload\": {",
                                                   "\"payload\": {\"a\\nb\\u0000\": {\"k\": 1, "
                                                   "\"k\": 2},"));
            },
            Errc::malformed),
        BRINE_CONTAINS("key contains a NUL character at $.payload"));
    CHECK(message_of(
              [&] {
                  brine::from_bytes_any(replace_once(
                      doc, "\"payload\": {", "\"payload\": {\"a\\nb\": {\"k\": 1, \"k\": 2},"));
              },
              Errc::malformed) == "brine: malformed file: duplicate key 'k' at $.payload.a\\nb");
    CHECK(message_of(
              [&] {
                  brine::from_bytes_any(replace_once(doc, "\"payload\": {",
                                                     "\"payload\": {\"\xE2\x80\xAE\\\"\": 0,"));
              },
              Errc::malformed) == "brine: malformed file: unknown field '\\u202e\"' at $.payload");

    // A number too large for a double, a thousand digits long.
    // (RapidJSON refuses some such numbers itself; these fraction digits get past it.)
    const std::string huge = "1." + std::string(1000, '0') + "e309";
    const std::string number = message_of(
        [&] { brine::from_bytes_any(replace_once(doc, "0.1,", huge + ",")); }, Errc::malformed);
    CHECK_THAT(number, BRINE_CONTAINS("number 1." + std::string(62, '0') +
                                      "... is out of range for a double at $.payload.coef.data"));
    CHECK(number.size() < 200);

    // The format field, and the checksum field.
    CHECK_THAT(message_of(
                   [&] {
                       brine::from_bytes_any(replace_once(doc, "\"format\": \"brine\"",
                                                          "\"format\": \"b\\\"r\\u0007ine\""));
                   },
                   Errc::not_brine_file),
               BRINE_CONTAINS("\"format\": \"b\\\"r\\x07ine\", expected \"brine\""));
    const std::size_t sum = doc.find("\"xxh64:");
    CHECK_THAT(
        message_of(
            [&] {
                brine::from_bytes_any(doc.substr(0, sum) + "\"xxh64:\\r" + std::string(100, 'f') +
                                      "\"\n}\n");
            },
            Errc::malformed),
        BRINE_CONTAINS("checksum \"xxh64:\\r" + std::string(57, 'f') + "...\" (107 bytes) is not"));
}

TEST_CASE("a key/value list with a key twice is named escaped, in both encodings",
          "[io][messages]") {
    for (const brine::Format f : formats) {
        INFO(brine::format_name(f));
        brine::SaveOptions so;
        so.metadata.extra = {{"dup\x01'a", "1"}, {"dup\x01'b", "2"}};
        std::string bytes = brine::to_bytes(fixtures::linear(), f, so);
        if (f == brine::Format::binary) {
            bytes = replace_once(bytes, "dup\x01'b", "dup\x01'a");
            resign(bytes);
        } else {
            bytes = replace_once(bytes, "dup\\u0001'b", "dup\\u0001'a");
        }
        CHECK_THAT(message_of([&] { brine::from_bytes_any(bytes); }, Errc::malformed),
                   BRINE_CONTAINS("key 'dup\\x01\\'a' appears twice"));
    }
}

TEST_CASE("strings in a binary file must be UTF-8, so any loaded file can be saved as JSON",
          "[io][messages]") {
    brine::SaveOptions so;
    so.metadata.feature_names = {"a", "b\xC3\xA9", "c?d"};
    const std::string good = brine::to_bytes(fixtures::linear(), brine::Format::binary, so);
    // Valid UTF-8 in, the same out, through a JSON re-save.
    const brine::FileInfo info = brine::inspect_bytes(good);
    CHECK(info.metadata.feature_names == so.metadata.feature_names);

    for (const std::string& bad :
         {std::string("\xFF"), std::string("\xC3"), std::string("\xC0"), std::string("\x80")}) {
        std::string bytes = replace_once(good, "c?d", "c" + bad + "d");
        resign(bytes);
        const std::size_t at = bytes.find("c" + bad + "d") + 1;
        const std::string message =
            message_of([&] { brine::from_bytes_any(bytes); }, Errc::malformed);
        CHECK(message ==
              "brine: malformed file: string 'header.metadata.feature_names' is not "
              "valid UTF-8: byte 1 of the string, at byte " +
                  std::to_string(at) + " of the file, is 0x" +
                  brine::detail::hex_byte(static_cast<unsigned char>(bad[0])));
        CHECK_THAT(message_of([&] { brine::inspect_bytes(bytes); }, Errc::malformed),
                   BRINE_CONTAINS("is not valid UTF-8"));
    }
    // Encoded surrogates and overlong forms are not UTF-8 either.
    for (const std::string& bad : {std::string("\xED\xA0\x80"), std::string("\xE0\x80\xAF"),
                                   std::string("\xF4\x90\x80\x80")}) {
        brine::SaveOptions s2;
        s2.metadata.feature_names = {std::string(bad.size(), '?')};
        std::string bytes = brine::to_bytes(fixtures::linear(), brine::Format::binary, s2);
        bytes = replace_once(bytes, std::string(bad.size(), '?'), bad);
        resign(bytes);
        CHECK_THAT(message_of([&] { brine::from_bytes_any(bytes); }, Errc::malformed),
                   BRINE_CONTAINS("is not valid UTF-8: byte 0 of the string"));
    }
    // Saving refuses such a string in both encodings, before anything is written.
    brine::SaveOptions bad_save;
    bad_save.metadata.target_name = "y\xFF";
    for (const brine::Format f : formats) {
        INFO(brine::format_name(f));
        CHECK_THAT(message_of([&] { brine::to_bytes(fixtures::linear(), f, bad_save); },
                              Errc::invalid_argument),
                   BRINE_CONTAINS("not valid UTF-8 (byte 1)"));
    }
    // Every golden file loads and re-saves as JSON.
    for (const auto& entry :
         std::filesystem::directory_iterator(test_data::dir() + "/golden/format-1.0")) {
        INFO(entry.path());
        const brine::AnyModel m = brine::load_any(entry.path().string());
        const brine::FileInfo i = brine::inspect(entry.path().string());
        brine::SaveOptions again;
        again.metadata = i.metadata;
        CHECK(!brine::to_bytes(m, brine::Format::json, again).empty());
    }
}

TEST_CASE("inspect of a JSON file reads no more than a load would", "[io][files][messages]") {
    TempDir dir;
    const std::string path = dir.file("huge.json");
    {
        // A sparse file of 1 GiB that starts like a JSON object: over max_json_bytes (256 MiB).
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, "{\"format\": ", 11) == 11);
        REQUIRE(::ftruncate(fd, off_t{1} << 30) == 0);
        ::close(fd);
    }
    const std::string from_load = message_of([&] { brine::load_any(path); }, Errc::limit_exceeded);
    const std::string from_inspect =
        message_of([&] { brine::inspect(path); }, Errc::limit_exceeded);
    CHECK_THAT(from_inspect, BRINE_CONTAINS("'" + path +
                                            "': JSON document of 1073741824 bytes "
                                            "exceeds max_json_bytes, 268435456"));
    CHECK(from_inspect == from_load);
    // Within a raised limit it is read, and refused for what it holds.
    brine::Limits limits;
    limits.max_json_bytes = 100;
    const std::string small = dir.file("small.json");
    write_all(small, brine::to_bytes(fixtures::linear(), brine::Format::json));
    CHECK_THAT(message_of([&] { brine::inspect(small, limits); }, Errc::limit_exceeded),
               BRINE_CONTAINS("exceeds max_json_bytes, 100 "));
    // A large file that is neither encoding is refused from its first bytes.
    const std::string text = dir.file("text.txt");
    {
        const int fd = ::open(text.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, "hello, world", 12) == 12);
        REQUIRE(::ftruncate(fd, off_t{1} << 30) == 0);
        ::close(fd);
    }
    CHECK_THAT(message_of([&] { brine::inspect(text); }, Errc::not_brine_file),
               BRINE_CONTAINS("the data starts with 68 65 6c 6c 6f 2c 20 77"));
}

TEST_CASE("FileInfo::checksum_verified is true only where the checksum was checked",
          "[io][files][messages]") {
    TempDir dir;
    for (const brine::Format f : formats) {
        INFO(brine::format_name(f));
        const std::string bytes = brine::to_bytes(fixtures::linear(), f);
        const std::string path = dir.file("m");
        write_all(path, bytes);
        const bool whole_binary = f == brine::Format::binary;
        CHECK(brine::inspect_bytes(bytes).checksum_verified == whole_binary);
        CHECK(!brine::inspect(path).checksum_verified);
        // And where it says so, a damaged checksum is caught.
        std::string damaged = bytes;
        const std::size_t at =
            f == brine::Format::json ? damaged.find("0.1,") + 2 : damaged.size() - 20;
        damaged[at] = static_cast<char>(damaged[at] ^ 1);
        if (whole_binary) {
            BRINE_CHECK_THROWS_CODE(brine::inspect_bytes(damaged), Errc::checksum_mismatch, "");
        } else {
            CHECK(!brine::inspect_bytes(damaged).checksum_verified);
        }
    }
}

}  // namespace messages_test

namespace messages_os_test {

TEST_CASE("an OS error's text is strerror's, taken without its shared buffer", "[io][messages]") {
    // std::strerror is the truth here: this test calls it from one thread.
    for (const int err : {ENOENT, EACCES, EISDIR, ENOSPC, EEXIST, 0, 99999}) {
        INFO(err);
        CHECK(brine::detail::os_error_text(err) == std::string(std::strerror(err)));
    }
    BRINE_CHECK_THROWS_CODE(brine::load_any(std::string("/nonexistent-dir/m.brine")), Errc::io,
                            "'/nonexistent-dir/m.brine': " + std::string(std::strerror(ENOENT)));
}

TEST_CASE("the writer's build named by a reference mismatch is cut and escaped", "[io][messages]") {
    const brine::LinearRegression m = fixtures::linear();
    const Eigen::MatrixXd X = fixtures::rows(m.n_features());
    brine::Reference r = brine::detail::make_reference(m, X, 1e-12);
    r.outputs(1, 0) += 1.0;
    r.build = "gcc \x1b[31m 12\nforged line " + std::string(100, 'x');
    BRINE_CHECK_THROWS_CODE(brine::detail::check_reference(m, r), Errc::reference_mismatch,
                            // 25 bytes, then 39 of the 100 x: the first 64 of 125 bytes
                            "as it was written by another build: 'gcc \\x1b[31m 12\\nforged line " +
                                std::string(39, 'x') + "...' (125 bytes)");
}

TEST_CASE("reference rows with NaN of an imputing pipeline are checked on load",
          "[io][reference]") {
    // Imputer (mean 2, 4) -> y = x0 - x1 + 0.5: a row with NaN is predicted from the statistics,
    // so its stored output is checked like any other; a scaler-first pipeline refuses it, and
    // the row is skipped.
    const brine::Pipeline m(
        {brine::SimpleImputer(brine::ImputeStrategy::mean, std::numeric_limits<double>::quiet_NaN(),
                              Eigen::Vector2d(2.0, 4.0))},
        brine::LinearRegression(Eigen::Vector2d(1.0, -1.0), 0.5));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd X(3, 2);
    X << 1.0, 1.0, nan, 1.0, 3.0, nan;
    brine::Reference r = brine::detail::make_reference(m, X, 0.0);
    CHECK(r.outputs(1, 0) == 1.5);   // 2 - 1 + 0.5
    CHECK(r.outputs(2, 0) == -0.5);  // 3 - 4 + 0.5
    brine::detail::check_reference(m, r);
    for (const Eigen::Index row : {Eigen::Index{1}, Eigen::Index{2}}) {
        brine::Reference bad = r;
        bad.outputs(row, 0) += 0.25;
        BRINE_CHECK_THROWS_CODE(brine::detail::check_reference(m, bad), Errc::reference_mismatch,
                                "row " + std::to_string(row) + " output 0");
    }
    const brine::Pipeline scaled(
        {brine::StandardScaler(Eigen::Vector2d(0.0, 0.0), Eigen::Vector2d(1.0, 1.0))},
        brine::LinearRegression(Eigen::Vector2d(1.0, -1.0), 0.5));
    brine::Reference kept = r;
    kept.outputs(1, 0) = 123.0;  // never recomputed: the scaler-first pipeline refuses NaN
    brine::detail::check_reference(scaled, kept);
}

}  // namespace messages_os_test
