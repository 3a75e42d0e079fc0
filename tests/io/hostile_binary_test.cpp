// Hostile binary files: every bit flipped, every kind of length field set to 2^31, 2^63 and just
// past the bytes that remain (with valid checksums, so the parser is what refuses them), size
// products that overflow, trailing data, and paths that are not readable regular files.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

using brine::Errc;

namespace {

constexpr std::uint64_t two_31 = std::uint64_t{1} << 31;
constexpr std::uint64_t two_63 = std::uint64_t{1} << 63;

using io_fixtures::resign;

void put_u64(std::string& bytes, std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        bytes[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint64_t get_u64(const std::string& bytes, std::size_t at) {
    return brine::detail::get_u64(bytes, at);
}

/// The brine::Error a load gives; fails the test when the load succeeds.
brine::Error load_any_error(const std::string& bytes) {
    try {
        (void)brine::from_bytes_any(bytes);
    } catch (const brine::Error& e) {
        return e;
    }
    FAIL("loaded without error");
    return brine::Error(Errc::io, "");
}

/// A small file of every kind, with reference predictions (so flips in the model's numbers are
/// caught even without the checksum).
std::vector<std::pair<std::string, std::string>> small_files() {
    std::vector<std::pair<std::string, brine::AnyModel>> models = {
        {"linear", fixtures::linear()},
        {"linear_multi", fixtures::linear_multi()},
        {"logistic_binary", fixtures::logistic_binary()},
        {"logistic_multi", fixtures::logistic_multi()},
        {"tree_classifier", fixtures::tree_classifier()},
        {"tree_regressor", fixtures::tree_regressor()},
        {"standard_scaler", fixtures::standard_scaler()},
        {"min_max_scaler", fixtures::min_max_scaler()},
        {"simple_imputer", fixtures::simple_imputer()},
        {"pipeline", fixtures::pipeline_classifier()},
        {"one_hot_encoder", fixtures::one_hot_encoder()},
    };
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, m] : models) {
        brine::SaveOptions so;
        so.created = "2026-01-01T00:00:00Z";
        so.reference_inputs = fixtures::rows(m.n_features()).topRows(2);
        out.emplace_back(name, brine::to_bytes(m, brine::Format::binary, so));
    }
    return out;
}

/// A file whose header and payload hold every kind of length field, each findable by a marker.
std::string rich_file() {
    brine::SaveOptions so;
    so.created = "2026-01-01T00:00:00Z";
    so.metadata.feature_names = {"FEATURE_A", "FEATURE_B"};
    so.metadata.target_name = "TARGET";
    so.metadata.class_labels = {"LABEL_X", "LABEL_Y", "LABEL_Z"};
    so.metadata.extra = {{"EXTRA_KEY", "EXTRA_VALUE"}};
    so.metadata.provenance.trainer = "TRAINER";
    so.metadata.provenance.options = {{"OPTION_KEY", "OPTION_VALUE"}};
    so.metadata.provenance.metrics = {{"METRIC_KEY", 0.5}};
    so.reference_inputs = fixtures::rows(2);
    return brine::to_bytes(fixtures::pipeline_classifier(), brine::Format::binary, so);
}

std::size_t find(const std::string& bytes, const std::string& marker) {
    const std::size_t at = bytes.find(marker);
    REQUIRE(at != std::string::npos);
    return at;
}

/// One length field of a file: where its u64 is and which section it lies in.
struct LengthField {
    std::string path;         // the field's name in messages
    std::size_t at;           // offset of its u64
    std::size_t section_end;  // end of the header or payload section it belongs to
};

struct Sections {
    std::size_t header_end, payload_at, payload_end;
};

Sections sections_of(const std::string& bytes) {
    const auto s = brine::detail::split_binary(bytes);
    return {20 + s.header.size(), static_cast<std::size_t>(s.payload_offset),
            static_cast<std::size_t>(s.payload_offset) + s.payload.size()};
}

/// `bytes` with the u64 at `at` set to `v` and the checksum recomputed.
std::string with_u64(std::string bytes, std::size_t at, std::uint64_t v) {
    put_u64(bytes, at, v);
    resign(bytes);
    return bytes;
}

}  // namespace

TEST_CASE(
    "a flip of any bit of a small binary file of every kind is refused, with the code its place "
    "determines",
    "[io][hostile]") {
    std::map<Errc, int> tally;
    for (const auto& [name, full] : small_files()) {
        INFO(name);
        const Sections s = sections_of(full);
        const std::size_t payload_len_at = s.header_end;
        for (std::size_t i = 0; i < full.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                std::string damaged = full;
                damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
                INFO("byte " << i << " bit " << bit);
                const brine::Error e = load_any_error(damaged);
                const std::string what = e.what();
                ++tally[e.code()];
                const bool was_set = (static_cast<unsigned char>(full[i]) >> bit) & 1;
                if (i < 8) {
                    CHECK(e.code() == Errc::not_brine_file);
                    CHECK_THAT(what, BRINE_CONTAINS("expected the brine magic"));
                } else if (i < 10) {
                    CHECK(e.code() == Errc::unsupported_version);
                    CHECK_THAT(what, BRINE_CONTAINS("this build of brine reads versions 1.0 to"));
                } else if (i < 12) {  // a newer minor version is readable: the checksum catches it
                    CHECK(e.code() == Errc::checksum_mismatch);
                } else if (i < 20) {  // header length
                    if (get_u64(damaged, 12) >
                        full.size() - 28) {  // past the end: no room for the payload length
                        CHECK(e.code() == Errc::truncated);
                        CHECK_THAT(
                            what,
                            BRINE_CONTAINS(
                                "bytes for the header and 8 for the payload length at byte 20"));
                    } else {  // the payload length is then read from elsewhere: too long or too
                              // short
                        CHECK((e.code() == Errc::truncated || e.code() == Errc::malformed));
                        CHECK_THAT(what,
                                   BRINE_CONTAINS(e.code() == Errc::truncated ? "8 for the checksum"
                                                                              : "trailing bytes"));
                    }
                } else if (i >= payload_len_at && i < payload_len_at + 8) {
                    if (!was_set) {
                        CHECK(e.code() == Errc::truncated);
                        CHECK_THAT(what,
                                   BRINE_CONTAINS("bytes for the payload and 8 for the checksum"));
                    } else {
                        CHECK(e.code() == Errc::malformed);
                        CHECK_THAT(what, BRINE_CONTAINS("trailing bytes after the checksum"));
                    }
                } else {  // header, payload or the checksum itself
                    CHECK(e.code() == Errc::checksum_mismatch);
                    CHECK_THAT(what, BRINE_CONTAINS(": the file is damaged"));
                }
            }
        }
    }
    CHECK(tally[Errc::checksum_mismatch] > 0);
}

TEST_CASE(
    "a flip of any bit with the checksum recomputed is refused by the parser, or loads a valid "
    "model",
    "[io][hostile]") {
    // What a fuzz build without the checksum sees: every outcome is a brine::Error raised by
    // brine's own checks (never a wrapped foreign exception or an allocation failure), or a model
    // that passes validate() and saves again.
    std::map<Errc, int> tally;
    int loaded = 0;
    for (const auto& [name, full] : small_files()) {
        INFO(name);
        const Sections s = sections_of(full);
        for (std::size_t i = 20; i < full.size() - 8; ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                std::string damaged = full;
                damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
                resign(damaged);
                INFO("byte " << i << " bit " << bit);
                try {
                    const brine::AnyModel m = brine::from_bytes_any(damaged);
                    CHECK_NOTHROW(m.validate());
                    CHECK_NOTHROW(brine::to_bytes(m));
                    ++loaded;
                } catch (const brine::Error& e) {
                    ++tally[e.code()];
                    const std::string what = e.what();
                    CHECK_THAT(what,
                               !BRINE_CONTAINS(": loading: "));  // a foreign exception, wrapped
                    CHECK_THAT(what, !BRINE_CONTAINS("out of memory"));
                    CHECK(e.code() != Errc::checksum_mismatch);
                }
            }
        }
        (void)s;
    }
    std::string summary;
    for (const auto& [code, n] : tally)
        summary += std::string(brine::errc_name(code)) + " " + std::to_string(n) + ", ";
    WARN("re-signed bit flips: " << summary << loaded << " loaded a valid model");
    CHECK(tally[Errc::reference_mismatch] > 0);
}

TEST_CASE("section lengths of 2^31, 2^63 and just past the end are truncated files",
          "[io][hostile]") {
    const std::string f = rich_file();
    const Sections s = sections_of(f);
    const std::size_t n = f.size();
    for (std::uint64_t v : {two_31, two_63, std::uint64_t{n - 20 - 8 + 1}, ~std::uint64_t{0}}) {
        BRINE_CHECK_THROWS_CODE(
            brine::from_bytes_any(with_u64(f, 12, v)), Errc::truncated,
            "needed " + std::to_string(v) +
                " bytes for the header and 8 for the payload length at byte 20, " +
                std::to_string(n - 20) + " left");
        BRINE_CHECK_THROWS_CODE(brine::inspect_bytes(with_u64(f, 12, v)), Errc::truncated,
                                "for the header");
    }
    const std::size_t left = n - s.payload_at;
    for (std::uint64_t v : {two_31, two_63, std::uint64_t{left - 8 + 1}, ~std::uint64_t{0}}) {
        BRINE_CHECK_THROWS_CODE(
            brine::from_bytes_any(with_u64(f, s.header_end, v)), Errc::truncated,
            "needed " + std::to_string(v) +
                " bytes for the payload and 8 for the checksum at byte " +
                std::to_string(s.payload_at) + ", " + std::to_string(left) + " left");
    }
}

TEST_CASE(
    "string lengths of 2^31, 2^63 and just past the section end are refused before allocating",
    "[io][hostile]") {
    const std::string f = rich_file();
    const Sections s = sections_of(f);
    const std::vector<LengthField> strings = {
        {"header.kind", 20, s.header_end},
        {"header.library_version", 20 + 8 + std::strlen("pipeline") + 4, s.header_end},
        {"header.created", find(f, "2026-01-01T00:00:00Z") - 8, s.header_end},
        {"header.metadata.feature_names", find(f, "FEATURE_B") - 8, s.header_end},
        {"header.metadata.target_name", find(f, "TARGET") - 8, s.header_end},
        {"header.metadata.extra.key", find(f, "EXTRA_KEY") - 8, s.header_end},
        {"header.metadata.extra.value", find(f, "EXTRA_VALUE") - 8, s.header_end},
        {"header.metadata.provenance.trainer", find(f, "TRAINER") - 8, s.header_end},
        {"header.metadata.provenance.options.value", find(f, "OPTION_VALUE") - 8, s.header_end},
        {"header.reference.build", find(f, brine::detail::current_build()) - 8, s.header_end},
        {"payload.steps.kind", s.payload_at + 4 + 8, s.payload_end},
        {"payload.estimator.kind", find(f, "logistic_regression") - 8, s.payload_end},
    };
    for (const LengthField& field : strings) {
        INFO(field.path);
        const std::string at = " at byte " + std::to_string(field.at + 8);
        for (std::uint64_t v : {two_31, two_63}) {
            BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, field.at, v)),
                                    Errc::limit_exceeded,
                                    "string '" + field.path + "' of " + std::to_string(v) +
                                        " bytes exceeds the limit of 1048576" + at);
        }
        const std::size_t left = field.section_end - (field.at + 8);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, field.at, left + 1)),
                                Errc::truncated,
                                "needed " + std::to_string(left + 1) + " bytes for '" + field.path +
                                    "'" + at + ", " + std::to_string(left) + " left");
    }
}

TEST_CASE("list lengths of 2^31, 2^63 and just past the section end are refused before allocating",
          "[io][hostile]") {
    const std::string f = rich_file();
    const Sections s = sections_of(f);
    const std::vector<LengthField> lists = {
        {"header.metadata.feature_names", find(f, "FEATURE_A") - 16, s.header_end},
        {"header.metadata.class_labels", find(f, "LABEL_X") - 16, s.header_end},
        {"header.metadata.extra", find(f, "EXTRA_KEY") - 16, s.header_end},
        {"header.metadata.provenance.options", find(f, "OPTION_KEY") - 16, s.header_end},
        {"header.metadata.provenance.metrics", find(f, "METRIC_KEY") - 16, s.header_end},
        {"payload.steps", s.payload_at + 4, s.payload_end},
    };
    for (const LengthField& field : lists) {
        INFO(field.path);
        const std::string at = " at byte " + std::to_string(field.at + 8);
        for (std::uint64_t v : {two_31, two_63}) {
            BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, field.at, v)),
                                    Errc::limit_exceeded,
                                    "container '" + field.path + "' claims " + std::to_string(v) +
                                        " elements, limit 536870912" + at);
        }
        const std::size_t left = field.section_end - (field.at + 8);
        BRINE_CHECK_THROWS_CODE(
            brine::from_bytes_any(with_u64(f, field.at, left + 1)), Errc::truncated,
            "container '" + field.path + "' claims " + std::to_string(left + 1) +
                " elements but only " + std::to_string(left) + " bytes are left" + at);
    }
}

TEST_CASE(
    "matrix rows and cols of 2^31, 2^63 and just past the section end are refused before "
    "allocating",
    "[io][hostile]") {
    const std::string f = rich_file();
    const Sections s = sections_of(f);
    const std::size_t mean =
        s.payload_at + 4 + 8 + 8 + std::strlen("standard_scaler") + 4;  // first step's mean
    const std::size_t inputs =
        find(f, "METRIC_KEY") + std::strlen("METRIC_KEY") + 8;  // reference inputs
    struct MatrixField {
        std::string path;
        std::size_t rows_at;
        std::size_t section_end;
        bool vector;  // a column vector: its cols must be 1
    };
    const std::vector<MatrixField> matrices = {
        {"payload.steps.model.mean", mean, s.payload_end, true},
        {"header.reference.inputs", inputs, s.header_end, false},
    };
    for (const MatrixField& field : matrices) {
        INFO(field.path);
        const std::uint64_t rows = get_u64(f, field.rows_at), cols = get_u64(f, field.rows_at + 8);
        const std::size_t data_at = field.rows_at + 16;
        const std::string at = " at byte " + std::to_string(data_at);
        const std::size_t left = field.section_end - data_at;
        for (int which = 0; which < 2; ++which) {
            const std::size_t pos = field.rows_at + 8 * static_cast<std::size_t>(which);
            const std::uint64_t other = which == 0 ? cols : rows;
            INFO((which == 0 ? "rows" : "cols"));
            if (which == 1 && field.vector) {
                for (std::uint64_t v : {two_31, two_63, std::uint64_t{left + 1}}) {
                    BRINE_CHECK_THROWS_CODE(
                        brine::from_bytes_any(with_u64(f, pos, v)), Errc::malformed,
                        "array of shape " + std::to_string(rows) + " x " + std::to_string(v) +
                            " where the field has shape n x 1" + at);
                }
                continue;
            }
            // 2^31 entries (times the other dimension): over the element limit.
            BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, pos, two_31)),
                                    Errc::limit_exceeded,
                                    std::to_string(two_31 * other) + " elements for '" +
                                        field.path + "' exceed the limit of 536870912" + at);
            // 2^63: the entry count no longer fits an Eigen index.
            const std::string shape = which == 0
                                          ? std::to_string(two_63) + " x " + std::to_string(cols)
                                          : std::to_string(rows) + " x " + std::to_string(two_63);
            BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, pos, two_63)),
                                    Errc::malformed, "array shape " + shape + " overflows" + at);
            // The smallest count whose data does not fit in what is left.
            const std::uint64_t over = left / (8 * other) + 1;
            BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, pos, over)), Errc::truncated,
                                    "needed " + std::to_string(over * other * 8) + " bytes for '" +
                                        field.path + "'" + at + ", " + std::to_string(left) +
                                        " left");
        }
    }
}

TEST_CASE("tree n_nodes of 2^31, 2^63 and just past the payload end are refused", "[io][hostile]") {
    const std::string f = brine::to_bytes(fixtures::tree_classifier(), brine::Format::binary);
    const Sections s = sections_of(f);
    const std::size_t n_nodes = s.payload_at + 4 + 8 + std::strlen("classification") + 4;
    REQUIRE(get_u64(f, n_nodes) == 5);
    for (std::uint64_t v : {two_31, two_63}) {
        BRINE_CHECK_THROWS_CODE(
            brine::from_bytes_any(with_u64(f, n_nodes, v)), Errc::limit_exceeded,
            "tree of " + std::to_string(v) + " nodes exceeds the limit of 67108864 at byte " +
                std::to_string(n_nodes + 8));
    }
    // n_nodes only sizes nothing by itself: the node arrays carry their own lengths and must agree.
    const std::size_t left = s.payload_end - (n_nodes + 8);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, n_nodes, left + 1)), Errc::malformed,
                            "children_left has 5 entries for n_nodes " + std::to_string(left + 1));
    // The node arrays' own lengths, too.
    const std::size_t left_rows = find(f, std::string("\x05\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0", 16));
    REQUIRE(left_rows > n_nodes);
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(with_u64(f, left_rows, two_31)), Errc::limit_exceeded,
        "2147483648 elements for 'payload.children_left' exceed the limit of 536870912");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with_u64(f, left_rows, two_63)), Errc::malformed,
                            "array shape 9223372036854775808 x 1 overflows");
}

TEST_CASE("matrix sizes whose product overflows are refused", "[io][hostile]") {
    const std::string f = rich_file();
    const Sections s = sections_of(f);
    const std::size_t mean = s.payload_at + 4 + 8 + 8 + std::strlen("standard_scaler") + 4;
    // Reading a vector, the column count must be 1 before anything else is considered.
    std::string g = f;
    put_u64(g, mean, std::uint64_t{1} << 32);
    put_u64(g, mean + 8, std::uint64_t{1} << 32);
    resign(g);
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(g), Errc::malformed,
        "array of shape 4294967296 x 4294967296 where the field has shape n x 1");
    // A matrix (reference inputs): rows * cols overflows 64 bits.
    const std::size_t inputs = find(f, "METRIC_KEY") + std::strlen("METRIC_KEY") + 8;
    g = f;
    put_u64(g, inputs, std::uint64_t{1} << 32);
    put_u64(g, inputs + 8, std::uint64_t{1} << 32);
    resign(g);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(g), Errc::malformed,
                            "array shape 4294967296 x 4294967296 overflows");
    // rows * cols = 2^62: fits 64 bits, not an Eigen index's half range.
    g = f;
    put_u64(g, inputs, two_31);
    put_u64(g, inputs + 8, two_31);
    resign(g);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(g), Errc::malformed,
                            "array shape 2147483648 x 2147483648 overflows");
    // rows * cols * 8 bytes overflows, with the element limit lifted.
    brine::LoadOptions unlimited;
    unlimited.max_elements = ~std::uint64_t{0};
    g = f;
    put_u64(g, inputs, std::uint64_t{1} << 60);
    put_u64(g, inputs + 8, 2);
    resign(g);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(g, unlimited), Errc::malformed,
                            "size of 'header.reference.inputs' overflows");
}

TEST_CASE("bytes after the checksum are refused, even when they are another file",
          "[io][hostile]") {
    const std::string f = brine::to_bytes(fixtures::linear(), brine::Format::binary);
    const std::string tail_of =
        " trailing bytes after the checksum at byte " + std::to_string(f.size());
    // A second model appended (a polyglot of two brine files).
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(f + f), Errc::malformed,
                            std::to_string(f.size()) + tail_of);
    // A ZIP local header appended, as a polyglot would carry.
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(f + std::string("PK\x03\x04\x14\0\0\0", 8)),
                            Errc::malformed, "8" + tail_of);
    // Eight bytes appended and the "checksum" recomputed at the new end: the lengths still say
    // where the file ends.
    std::string g = f + std::string(8, '\0');
    resign(g);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(g), Errc::malformed, "8" + tail_of);
    BRINE_CHECK_THROWS_CODE(brine::inspect_bytes(g), Errc::malformed, "8" + tail_of);
    // A single NUL.
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(f + std::string(1, '\0')), Errc::malformed,
                            "1" + tail_of);
}

TEST_CASE("paths that are not readable regular files are refused with the OS's reason",
          "[io][hostile]") {
    // files_test.cpp covers load_any of a directory, a missing path, /dev/zero, a FIFO and a path
    // through a regular file; here the rest, and inspect() of each.
    TempDir dir;
    const std::string good = dir.file("m.brine");
    brine::save(fixtures::linear(), good);
    BRINE_CHECK_THROWS_CODE(brine::inspect(dir.path.string()), Errc::io, "it is a directory");
    BRINE_CHECK_THROWS_CODE(brine::inspect("/dev/zero"), Errc::io, "not a regular file");
    REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
    BRINE_CHECK_THROWS_CODE(brine::inspect(dir.file("fifo")), Errc::io, "not a regular file");
    BRINE_CHECK_THROWS_CODE(brine::load<brine::LinearRegression>(dir.file("fifo")), Errc::io,
                            "not a regular file");
    // ENOTDIR: as root, permission bits do not stop a read, but a path through a regular file fails
    // for everyone.
    BRINE_CHECK_THROWS_CODE(brine::inspect(good + "/x"), Errc::io,
                            "cannot open '" + good + "/x': Not a directory");
    // Symbolic links are followed to what they name, which must itself be a regular file.
    std::filesystem::create_symlink("/dev/zero", dir.file("zero-link"));
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("zero-link")), Errc::io, "not a regular file");
    std::filesystem::create_symlink(dir.file("loop-b"), dir.file("loop-a"));
    std::filesystem::create_symlink(dir.file("loop-a"), dir.file("loop-b"));
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("loop-a")), Errc::io,
                            "Too many levels of symbolic links");
    std::filesystem::create_symlink(dir.file("nowhere"), dir.file("dangling"));
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file("dangling")), Errc::io,
                            "No such file or directory");
    // A Unix socket.
    const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(sock >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string sock_path = dir.file("sock");
    REQUIRE(sock_path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
    REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    BRINE_CHECK_THROWS_CODE(brine::load_any(sock_path), Errc::io,
                            "cannot open '" + sock_path + "': No such device or address");
    ::close(sock);
    // A name longer than the system allows.
    BRINE_CHECK_THROWS_CODE(brine::load_any(dir.file(std::string(300, 'n'))), Errc::io,
                            "File name too long");
}

TEST_CASE("an unreadable file (EACCES) is refused with the OS's reason", "[io][hostile]") {
    // The tests run as root, for whom chmod 000 does not block a read: the load runs in a child
    // that has dropped to the unprivileged user 65534 first.
    TempDir dir;
    REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);
    const std::string path = dir.file("m.brine");
    brine::save(fixtures::linear(), path);
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (::getuid() != 0 || ::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 ||
            ::setuid(65534) != 0) {
            ::_exit(::getuid() == 0 ? 3 : 77);
        }
        const std::string want = "cannot open '" + path + "': Permission denied";
        int rc = 0;
        for (int which = 0; which < 2; ++which) {
            try {
                if (which == 0)
                    (void)brine::load_any(path);
                else
                    (void)brine::inspect(path);
                rc = 1;
            } catch (const brine::Error& e) {
                if (e.code() != Errc::io || std::string(e.what()).find(want) == std::string::npos)
                    rc = 2;
            } catch (...) {
                rc = 4;
            }
        }
        ::_exit(rc);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        // Not root: chmod does block the read, in this very process.
        REQUIRE(::chmod(path.c_str(), 0) == 0);
        BRINE_CHECK_THROWS_CODE(brine::load_any(path), Errc::io, "Permission denied");
        return;
    }
    CHECK(WEXITSTATUS(status) == 0);
}
