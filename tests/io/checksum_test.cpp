// Tests of the XXH64 checksum against values computed independently with the python3-xxhash
// package: xxhash.xxh64(data, seed=0).intdigest().
// SPDX-License-Identifier: MIT
#include "brine/detail/xxhash64.hpp"

#include <string>

#include "brine_catch.hpp"

using brine::detail::XxHash64;

TEST_CASE("XXH64 matches the reference implementation", "[checksum]") {
    std::string long_input;
    for (int rep = 0; rep < 3; ++rep) {
        for (int b = 0; b < 256; ++b) long_input += static_cast<char>(b);
    }
    long_input += "xyz";  // 771 bytes: full 32-byte stripes, then 8-, 4- and 1-byte tails
    CHECK(XxHash64::hash("", 0) == 0xef46db3751d8e999ULL);
    CHECK(XxHash64::hash("a", 1) == 0xd24ec4f1a98c6e5bULL);
    CHECK(XxHash64::hash("abc", 3) == 0x44bc2cf5ad770999ULL);
    CHECK(XxHash64::hash("brine", 5) == 0x704a70aa269695afULL);
    CHECK(XxHash64::hash(long_input.data(), long_input.size()) == 0xe921a1b45bd779f8ULL);
}

TEST_CASE("XXH64 does not depend on how the input is split", "[checksum]") {
    std::string data;
    for (int i = 0; i < 1000; ++i) data += static_cast<char>((i * 131) & 0xff);
    const auto whole = XxHash64::hash(data.data(), data.size());
    for (std::size_t step : {1u, 3u, 7u, 31u, 32u, 33u, 500u}) {
        XxHash64 h;
        for (std::size_t at = 0; at < data.size(); at += step)
            h.update(data.data() + at, std::min(step, data.size() - at));
        CHECK(h.digest() == whole);
    }
}
