// JSON parsing has no attacker-predictable worst case: keys built to collide under the hash the
// duplicate-key check used to use (libstdc++'s std::hash, MurmurHash64A with a public seed) cost
// no more than any other keys, and wide, deep and long-keyed documents parse in linear time.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

using brine::Errc;

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace json_worst_case_test {

// ---- libstdc++'s std::hash for strings (std::_Hash_bytes), written out from its definition ----

constexpr std::uint64_t kMul = (std::uint64_t{0xc6a4a793} << 32) + 0x5bd1e995;
constexpr std::uint64_t kSeed = 0xc70f6907;

std::uint64_t shift_mix(std::uint64_t v) { return v ^ (v >> 47); }  // its own inverse

std::uint64_t load8(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

std::uint64_t murmur64a(std::string_view s) {
    std::uint64_t h = kSeed ^ (s.size() * kMul);
    const std::size_t whole = s.size() & ~std::size_t{7};
    for (std::size_t i = 0; i < whole; i += 8) {
        h ^= shift_mix(load8(s.data() + i) * kMul) * kMul;
        h *= kMul;
    }
    if (s.size() & 7) {
        std::uint64_t tail = 0;
        for (std::size_t i = s.size(); i-- > whole;)
            tail = tail << 8 | static_cast<unsigned char>(s[i]);
        h ^= tail;
        h *= kMul;
    }
    h = shift_mix(h) * kMul;
    return shift_mix(h);
}

/// The inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct bits).
std::uint64_t inverse(std::uint64_t a) {
    std::uint64_t x = a;
    for (int i = 0; i < 6; ++i) x *= 2 - a * x;
    return x;
}

/// `n` distinct 16-byte keys with the same MurmurHash64A value: each has a chosen first block and
/// a second block solved (every step of the hash is invertible) so that the state after both
/// blocks is the same. Only keys whose solved bytes are 0x01..0x7F are kept, so every key is
/// valid UTF-8 without NUL and can be written in JSON.
std::vector<std::string> colliding_keys(std::size_t n) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    const std::uint64_t inv = inverse(kMul);
    const std::uint64_t h0 = kSeed ^ (16 * kMul);
    const std::uint64_t target = 0x0123456789abcdefu;  // any state will do
    std::vector<std::string> keys;
    for (std::uint64_t counter = 0; keys.size() < n; ++counter) {
        char first[8];
        std::uint64_t c = counter;
        for (char& ch : first) {
            ch = alphabet[c & 63];
            c >>= 6;
        }
        const std::uint64_t h1 = (h0 ^ shift_mix(load8(first) * kMul) * kMul) * kMul;
        const std::uint64_t d2 = (target * inv) ^ h1;
        const std::uint64_t block = shift_mix(d2 * inv) * inv;
        char second[8];
        std::memcpy(second, &block, 8);
        if (!std::all_of(second, second + 8, [](char ch) { return ch >= 0x01; })) continue;
        keys.push_back(std::string(first, 8) + std::string(second, 8));
    }
    return keys;
}

/// `key` as a JSON string.
std::string json_string(std::string_view key) {
    std::string out = "\"";
    for (char c : key) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string object_of(const std::vector<std::string>& keys, std::size_t n) {
    std::string doc = "{";
    for (std::size_t i = 0; i < n; ++i) doc += (i ? "," : "") + json_string(keys[i]) + ":0";
    return doc + "}";
}

/// Counts the equality comparisons a hash set makes: the work its lookups do.
struct CountingEqual {
    std::size_t* count;
    bool operator()(std::string_view a, std::string_view b) const {
        ++*count;
        return a == b;
    }
};

template <class Hash>
std::size_t comparisons_to_insert(const std::vector<std::string>& keys) {
    std::size_t count = 0;
    std::unordered_set<std::string_view, Hash, CountingEqual> set(0, Hash(), CountingEqual{&count});
    for (const auto& k : keys) set.insert(k);
    return count;
}

/// The shortest of five runs of `f`, in seconds: the least disturbed by other work on the machine.
template <class F>
double fastest(F&& f) {
    double best = 1e300;
    for (int run = 0; run < 5; ++run) {
        const auto start = std::chrono::steady_clock::now();
        f();
        const std::chrono::duration<double> t = std::chrono::steady_clock::now() - start;
        best = std::min(best, t.count());
    }
    return best;
}

double parse_seconds(const std::string& doc) {
    const brine::Limits limits;
    return fastest([&] {
        brine::detail::rj::Document d;
        brine::detail::parse_strict_json(doc, limits, d);
    });
}

/// Time grows linearly when 8 times the input takes less than 24 times as long (quadratic growth
/// would take 64 times as long).
void check_linear(const std::string& small, const std::string& large) {
    REQUIRE(large.size() >= 7 * small.size());
    const double t_small = parse_seconds(small), t_large = parse_seconds(large);
    const double size_ratio = static_cast<double>(large.size()) / static_cast<double>(small.size());
    INFO("small " << small.size() << " bytes in " << t_small << " s, large " << large.size()
                  << " bytes in " << t_large << " s");
    CHECK(t_large < 3 * size_ratio * std::max(t_small, 1e-4));
}

TEST_CASE("json: the duplicate-key hash is SipHash-2-4 (reference vectors)", "[io][json][worst]") {
    const std::array<std::uint64_t, 2> key = {0x0706050403020100u, 0x0f0e0d0c0b0a0908u};
    unsigned char msg[15];
    for (unsigned i = 0; i < 15; ++i) msg[i] = static_cast<unsigned char>(i);
    // Aumasson and Bernstein, "SipHash: a fast short-input PRF", appendix A and its test vectors.
    CHECK(brine::detail::siphash24(key, msg, 0) == 0x726fdb47dd0e0e31u);
    CHECK(brine::detail::siphash24(key, msg, 1) == 0x74f839c593dc67fdu);
    CHECK(brine::detail::siphash24(key, msg, 15) == 0xa129ca6149be45e5u);
    // A per-process key: not the all-zero key, and the same for every call.
    const auto& seed = brine::detail::json_key_hash_seed();
    CHECK((seed[0] != 0 || seed[1] != 0));
    CHECK(&seed == &brine::detail::json_key_hash_seed());
}

TEST_CASE("json: keys that all collide under std::hash cost linear time", "[io][json][worst]") {
    const std::vector<std::string> keys = colliding_keys(65536);
    // The construction is right: every key has the same MurmurHash64A value...
    const std::uint64_t h = murmur64a(keys[0]);
    CHECK(std::all_of(keys.begin(), keys.end(),
                      [&](const std::string& k) { return murmur64a(k) == h; }));
    // ... and they are distinct (sorted, not hashed: a std::unordered_set of keys that all collide
    // would itself make the quadratic number of comparisons this test is about).
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
#if defined(__GLIBCXX__) && UINTPTR_MAX == UINT64_MAX
    // ... which is what std::hash computes for strings in libstdc++ (checked on plain keys too),
    CHECK(std::hash<std::string_view>{}("coef") == murmur64a("coef"));
    CHECK(std::hash<std::string_view>{}("feature_names!!") == murmur64a("feature_names!!"));
    CHECK(std::all_of(keys.begin(), keys.end(),
                      [&](const std::string& k) { return std::hash<std::string_view>{}(k) == h; }));
    // ... so a set hashed with it compares each new key with every earlier one: quadratic work.
    const std::vector<std::string> some(keys.begin(), keys.begin() + 2048);
    CHECK(comparisons_to_insert<std::hash<std::string_view>>(some) >= 2048 * 2047 / 2);
    // The keyed hash the parser uses scatters them: hardly any comparisons at all.
    CHECK(comparisons_to_insert<brine::detail::JsonKeyHash>(keys) < keys.size() / 16);
#endif

    // And the parser's time grows linearly with the number of colliding keys.
    check_linear(object_of(keys, 8192), object_of(keys, 65536));
    // Through the whole load: the object is an unknown field of the payload, refused once parsed.
    const std::string doc = brine::to_bytes(fixtures::linear(), brine::Format::json);
    const std::size_t at = doc.find("\"payload\": {") + 12;
    const std::string bad =
        doc.substr(0, at) + "\"x\": " + object_of(keys, 1000) + "," + doc.substr(at);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bad), Errc::malformed,
                            "unknown field 'x' at $.payload");
    // A duplicate among them is found, and named.
    std::vector<std::string> dup(keys.begin(), keys.begin() + 5000);
    dup.push_back(keys[1234]);
    const std::string dup_doc = object_of(dup, dup.size());
    brine::detail::rj::Document d;
    BRINE_CHECK_THROWS_CODE(brine::detail::parse_strict_json(dup_doc, brine::Limits{}, d),
                            Errc::malformed, "duplicate key " + brine::detail::quoted(keys[1234]));
}

TEST_CASE("json: wide, deep and long-keyed documents parse in linear time", "[io][json][worst]") {
    SECTION("an array of a million numbers") {
        auto array = [](std::size_t n) {
            std::string s = "[";
            for (std::size_t i = 0; i < n; ++i) s += i ? ",0" : "0";
            return s + "]";
        };
        check_linear(array(125000), array(1000000));
    }
    SECTION("an object of distinct keys") {
        auto object = [](std::size_t n) {
            std::string s = "{";
            for (std::size_t i = 0; i < n; ++i) {
                s += (i ? ",\"k" : "\"k") + std::to_string(i * 2654435761u % 1000003u) +
                     "\":" + std::to_string(i);
            }
            return s + "}";
        };
        check_linear(object(16384), object(131072));
    }
    SECTION("keys that share a long prefix") {
        auto object = [](std::size_t n) {
            const std::string prefix(1000, 'p');
            std::string s = "{";
            for (std::size_t i = 0; i < n; ++i) {
                s += (i ? ",\"" : "\"") + prefix + std::to_string(i) + "\":0";
            }
            return s + "}";
        };
        check_linear(object(500), object(4000));
    }
    SECTION("objects nested to the depth limit, many times over") {
        auto nested = [](std::size_t n) {
            std::string one;
            for (int d = 0; d < 62; ++d) one += "{\"a\":";
            one += "[1]" + std::string(62, '}');
            std::string s = "[";
            for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + one;
            return s + "]";
        };
        check_linear(nested(500), nested(4000));
    }
    SECTION("many small objects, each with keys") {
        auto objects = [](std::size_t n) {
            std::string s = "[";
            for (std::size_t i = 0; i < n; ++i) {
                s += i ? "," : "";
                s += "{\"key\":\"k\",\"value\":\"v\",\"x\":1,\"y\":[1,2,3]}";
            }
            return s + "]";
        };
        check_linear(objects(20000), objects(160000));
    }
}

TEST_CASE("json: a document that ends early is truncated, wherever it is cut",
          "[io][json][worst]") {
    brine::SaveOptions so;
    so.metadata.feature_names = {"a", "b\xC3\xA9", "c"};  // a two-byte character to cut through
    so.reference_inputs = Eigen::MatrixXd::Ones(1, 3);
    const std::string full = brine::to_bytes(fixtures::linear(), brine::Format::json, so);
    const std::size_t end = full.find_last_not_of(" \n\r\t") + 1;
    for (std::size_t cut = 1; cut < end; ++cut) {
        INFO("cut at " << cut << ": ..." << full.substr(cut > 20 ? cut - 20 : 0, 20));
        try {
            (void)brine::from_bytes_any(full.substr(0, cut));
            FAIL("loaded");
        } catch (const brine::Error& e) {
            CHECK(e.code() == Errc::truncated);
            CHECK_THAT(std::string(e.what()),
                       BRINE_CONTAINS("the JSON document ends after " + std::to_string(cut) +
                                      " bytes, inside a value"));
        }
    }
    // What is not a cut stays malformed: a bad byte before the end, and no document at all.
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(full.substr(0, end - 1) + "x"), Errc::malformed,
                            "invalid JSON:");
    brine::detail::rj::Document d;
    BRINE_CHECK_THROWS_CODE(brine::detail::parse_strict_json("  ", brine::Limits{}, d),
                            Errc::malformed, "invalid JSON: The document is empty");
    BRINE_CHECK_THROWS_CODE(brine::detail::parse_strict_json("{\"a\": tru", brine::Limits{}, d),
                            Errc::truncated, "ends after 9 bytes");
    BRINE_CHECK_THROWS_CODE(brine::detail::parse_strict_json("{\"a\": trux}", brine::Limits{}, d),
                            Errc::malformed, "invalid JSON: Invalid value");
    // A NUL byte stops the reader as the end would, but bytes remain after it.
    const std::string nul("{\"a\": \"x\0\"}", 11);
    BRINE_CHECK_THROWS_CODE(brine::detail::parse_strict_json(nul, brine::Limits{}, d),
                            Errc::malformed, "invalid JSON:");
}

}  // namespace json_worst_case_test
