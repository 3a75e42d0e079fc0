// Tests of brine's binary archives: the byte layout, written out by hand, and the bounded reader's
// refusal of every length it cannot honour.
// SPDX-License-Identifier: MIT
#include "brine/serialization/binary_archive.hpp"
#include "brine/serialization/models.hpp"

#include <cstdint>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

namespace {

// Little-endian bytes of an integer, built with shifts (independent of the archive's memcpy).
std::string le(std::uint64_t v, int bytes) {
    std::string s;
    for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}
std::string u32(std::uint32_t v) { return le(v, 4); }
std::string u64(std::uint64_t v) { return le(v, 8); }
// IEEE-754 bit patterns written out by hand.
constexpr std::uint64_t bits_one = 0x3FF0000000000000ULL;        // 1.0
constexpr std::uint64_t bits_minus_two = 0xC000000000000000ULL;  // -2.0
constexpr std::uint64_t bits_half = 0x3FE0000000000000ULL;       // 0.5
constexpr std::uint64_t bits_three = 0x4008000000000000ULL;      // 3.0

template <class T>
std::string save(const T& value) {
    std::string out;
    brine::BinaryOutputArchive ar(out);
    ar(cereal::make_nvp("m", value));
    return out;
}

template <class T>
T load(const std::string& bytes, const brine::Limits& limits = {}) {
    brine::BinaryInputArchive ar(bytes, limits);
    T value;
    ar(cereal::make_nvp("m", value));
    REQUIRE(ar.remaining() == 0);
    return value;
}

struct Record {
    bool flag = false;
    std::string name;
    template <class A>
    void serialize(A& ar) {
        ar(cereal::make_nvp("flag", flag), cereal::make_nvp("name", name));
    }
};

}  // namespace

TEST_CASE("binary layout of a StandardScaler is the documented one", "[binary]") {
    const std::string expected = u32(1)  // schema_version
                                 + u64(2) + u64(1) + u64(bits_one) +
                                 u64(bits_minus_two)  // mean {rows, cols, data}
                                 + u64(2) + u64(1) + u64(bits_half) + u64(bits_three);  // scale
    CHECK(save(fixtures::standard_scaler()) == expected);
    CHECK(load<brine::StandardScaler>(expected) == fixtures::standard_scaler());
}

TEST_CASE("binary layout of matrices is row-major", "[binary]") {
    brine::RowMatrix m(2, 2);
    m << 1, -2, 0.5, 3;
    Eigen::MatrixXd col_major = m;  // same values, other storage order: same bytes
    const std::string expected =
        u64(2) + u64(2) + u64(bits_one) + u64(bits_minus_two) + u64(bits_half) + u64(bits_three);
    CHECK(save(m) == expected);
    CHECK(save(col_major) == expected);
    CHECK(load<Eigen::MatrixXd>(expected) == col_major);
}

TEST_CASE("binary strings and booleans", "[binary]") {
    Record r{true, "h\xc3\xa9"};
    const std::string expected = std::string("\x01", 1) + u64(3) + "h\xc3\xa9";
    CHECK(save(r) == expected);
    const Record back = load<Record>(expected);
    CHECK(back.flag);
    CHECK(back.name == "h\xc3\xa9");
    BRINE_CHECK_THROWS_CODE(load<Record>(std::string("\x02", 1) + u64(0)), brine::Errc::malformed,
                            "boolean 'm.flag' is 2, not 0 or 1 at byte 1");
}

TEST_CASE("every model kind round-trips through the binary archive", "[binary]") {
    CHECK(load<brine::LinearRegression>(save(fixtures::linear())) == fixtures::linear());
    CHECK(load<brine::LinearRegression>(save(fixtures::linear_multi())) ==
          fixtures::linear_multi());
    CHECK(load<brine::LogisticRegression>(save(fixtures::logistic_binary())) ==
          fixtures::logistic_binary());
    CHECK(load<brine::LogisticRegression>(save(fixtures::logistic_multi())) ==
          fixtures::logistic_multi());
    CHECK(load<brine::DecisionTree>(save(fixtures::tree_classifier())) ==
          fixtures::tree_classifier());
    CHECK(load<brine::DecisionTree>(save(fixtures::tree_regressor())) ==
          fixtures::tree_regressor());
    CHECK(load<brine::MinMaxScaler>(save(fixtures::min_max_scaler())) ==
          fixtures::min_max_scaler());
    CHECK(load<brine::Pipeline>(save(fixtures::pipeline_classifier())) ==
          fixtures::pipeline_classifier());
    CHECK(load<brine::Pipeline>(save(fixtures::pipeline_tree())) == fixtures::pipeline_tree());
}

TEST_CASE("binary reader: every truncation is a truncated-file error", "[binary]") {
    const std::string full = save(fixtures::pipeline_classifier());
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
        INFO("cut at " << cut);
        try {
            load<brine::Pipeline>(full.substr(0, cut));
            FAIL("loaded a truncated payload");
        } catch (const brine::Error& e) {
            CHECK(e.code() == brine::Errc::truncated);
        }
    }
}

TEST_CASE("binary reader: lengths are checked before allocating", "[binary]") {
    SECTION("array larger than the bytes left") {
        const std::string bytes = u32(1) + u64(1000) + u64(1) + u64(bits_one);
        BRINE_CHECK_THROWS_CODE(load<brine::StandardScaler>(bytes), brine::Errc::truncated,
                                "needed 8000 bytes for 'm.mean' at byte 20, 8 left");
    }
    SECTION("array over the element limit") {
        const std::string bytes = u32(1) + u64(std::uint64_t{1} << 31) + u64(1);
        BRINE_CHECK_THROWS_CODE(
            load<brine::StandardScaler>(bytes), brine::Errc::limit_exceeded,
            "2147483648 elements for 'm.mean' exceed the limit of 536870912 at byte 20");
    }
    SECTION("rows * cols overflows") {
        const std::string bytes = u64(std::uint64_t{1} << 63) + u64(4);
        BRINE_CHECK_THROWS_CODE(load<brine::RowMatrix>(bytes), brine::Errc::malformed,
                                "array shape 9223372036854775808 x 4 overflows at byte 16");
    }
    SECTION("a vector stored with two columns") {
        const std::string bytes = u32(1) + u64(1) + u64(2);
        BRINE_CHECK_THROWS_CODE(load<brine::StandardScaler>(bytes), brine::Errc::malformed,
                                "array of shape 1 x 2 where the field has shape n x 1 at byte 20");
    }
    SECTION("rows * cols * 8 overflows the byte count") {
        brine::Limits unlimited;
        unlimited.max_elements = ~std::uint64_t{0};
        const std::string bytes = u32(1) + u64(std::uint64_t{1} << 61) + u64(1);
        BRINE_CHECK_THROWS_CODE(load<brine::StandardScaler>(bytes, unlimited),
                                brine::Errc::malformed, "overflows");
    }
    SECTION("string longer than the limit") {
        const std::string bytes = std::string("\x01", 1) + u64(std::uint64_t{1} << 63);
        BRINE_CHECK_THROWS_CODE(
            load<Record>(bytes), brine::Errc::limit_exceeded,
            "string 'm.name' of 9223372036854775808 bytes exceeds the limit of 1048576 at byte 9");
    }
    SECTION("string longer than the bytes left") {
        const std::string bytes = std::string("\x01", 1) + u64(100) + "abc";
        BRINE_CHECK_THROWS_CODE(load<Record>(bytes), brine::Errc::truncated,
                                "needed 100 bytes for 'm.name' at byte 9, 3 left");
    }
    SECTION("pipeline step count larger than the bytes left") {
        std::string bytes = u32(1) + u64(std::uint64_t{1} << 28);
        BRINE_CHECK_THROWS_CODE(
            load<brine::Pipeline>(bytes), brine::Errc::truncated,
            "container 'm.steps' claims 268435456 elements but only 0 bytes are left");
    }
    SECTION("tree with more nodes than the limit") {
        brine::Limits small;
        small.max_nodes = 4;
        BRINE_CHECK_THROWS_CODE(load<brine::DecisionTree>(save(fixtures::tree_classifier()), small),
                                brine::Errc::limit_exceeded,
                                "tree of 5 nodes exceeds the limit of 4");
    }
}

TEST_CASE("binary reader: future schema versions and unknown kinds are refused", "[binary]") {
    std::string bytes = save(fixtures::standard_scaler());
    bytes.replace(0, 4, u32(2));
    BRINE_CHECK_THROWS_CODE(
        load<brine::StandardScaler>(bytes), brine::Errc::unsupported_version,
        "standard_scaler schema version 2, this build of brine reads versions 1 to 1");
    bytes.replace(0, 4, u32(0));
    BRINE_CHECK_THROWS_CODE(load<brine::StandardScaler>(bytes), brine::Errc::unsupported_version,
                            "schema version 0");

    // A pipeline step whose kind name is unknown (as from a newer brine), and one that is not a
    // transform.
    std::string p = u32(1) + u64(1) + u64(6) + "forest";
    BRINE_CHECK_THROWS_CODE(load<brine::Pipeline>(p), brine::Errc::unsupported_version,
                            "unknown model kind 'forest'");
    p = u32(1) + u64(1) + u64(8) + "pipeline";
    BRINE_CHECK_THROWS_CODE(load<brine::Pipeline>(p), brine::Errc::malformed,
                            "a pipeline cannot stand here");
}
