// brine::load reads large binary files straight into the model's arrays and brine::save writes
// them as they are encoded (io/streamed.hpp); everything else goes through one buffer in memory.
// The two paths must agree on every file: the same bytes when saving; when loading, the same
// model, or the same error code and message, in the same order of checks (layout, checksum,
// header, kind, payload). These tests force the streamed paths on small files to compare them.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

namespace {

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

/// "ok" for a load that succeeded with a model equal to `expected`, else "<code>: <message>".
template <class F, class Model>
std::string outcome(F&& load, const Model& expected) {
    try {
        const auto m = load();
        if constexpr (std::is_same_v<std::decay_t<decltype(m)>, brine::AnyModel>) {
            const Model* p = m.template get_if<Model>();
            return p != nullptr && *p == expected ? "ok" : "a different model";
        } else {
            return m == expected ? "ok" : "a different model";
        }
    } catch (const brine::Error& e) {
        return std::string(brine::errc_name(e.code())) + ": " + e.what();
    }
}

/// Loads `bytes` from memory, and from a file through the streamed path (stream_from = 0) with
/// load<Model> and load_any; all three outcomes must be the same.
template <class Model>
void check_same(const TempDir& dir, const std::string& bytes, const Model& expected) {
    const std::string path = dir.file("m.brine");
    write_file(path, bytes);
    const std::string in_memory =
        outcome([&] { return brine::from_bytes<Model>(bytes); }, expected);
    const std::string streamed =
        outcome([&] { return brine::detail::load_model_file<Model>(path, {}, 0); }, expected);
    CHECK(streamed == in_memory);
    const std::string in_memory_any =
        outcome([&] { return brine::from_bytes_any(bytes); }, expected);
    const std::string streamed_any =
        outcome([&] { return brine::detail::load_any_file(path, {}, 0); }, expected);
    CHECK(streamed_any == in_memory_any);
}

brine::SaveOptions options_with_reference(Eigen::Index n_features) {
    brine::SaveOptions so;
    so.created = "2026-01-02T03:04:05Z";
    so.reference_inputs = fixtures::rows(n_features);
    for (Eigen::Index j = 0; j < n_features; ++j)
        so.metadata.feature_names.push_back("f" + std::to_string(j));
    return so;
}

}  // namespace

TEST_CASE("streamed load gives the model from_bytes gives", "[io][streamed]") {
    const TempDir dir;
    const auto tree = fixtures::tree_classifier();
    const auto linear = fixtures::linear_multi();
    const auto pipe = fixtures::pipeline_classifier();
    check_same(
        dir,
        brine::to_bytes(tree, brine::Format::binary, options_with_reference(tree.n_features())),
        tree);
    check_same(dir, brine::to_bytes(linear), linear);
    check_same(
        dir,
        brine::to_bytes(pipe, brine::Format::binary, options_with_reference(pipe.n_features())),
        pipe);
    // JSON files never stream; they must load through either entry point all the same.
    check_same(dir, brine::to_bytes(tree, brine::Format::json), tree);
}

TEST_CASE("streamed load reports every damaged byte as from_bytes does", "[io][streamed]") {
    // Each byte of a small file flipped in two ways, then every truncation: the streamed path must
    // give the same code and message as the in-memory one (mostly the checksum error, which must
    // win over the parse error a flipped length causes when the parse comes first).
    const TempDir dir;
    const auto model = fixtures::tree_classifier();
    const std::string good =
        brine::to_bytes(model, brine::Format::binary, options_with_reference(model.n_features()));
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const unsigned char mask : {0x01, 0x80}) {
            std::string bad = good;
            bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
            INFO("byte " << i << " xor " << int(mask));
            check_same(dir, bad, model);
        }
    }
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO("truncated to " << n << " bytes");
        check_same(dir, good.substr(0, n), model);
    }
    check_same(dir, good + std::string(3, '\0'), model);  // trailing bytes
}

TEST_CASE("a large binary file streams and is still checked end to end", "[io][streamed]") {
    const TempDir dir;
    // 300000 coefficients (2.4 MB) are over detail::stream_threshold, so load streams it.
    REQUIRE(300000 * sizeof(double) > brine::detail::stream_threshold);
    const brine::LinearRegression model(Eigen::VectorXd::LinSpaced(300000, -1, 1), 0.25);
    const std::string path = dir.file("big.brine");
    brine::save(model, path);
    CHECK(brine::load<brine::LinearRegression>(path) == model);
    CHECK(*brine::load_any(path).get_if<brine::LinearRegression>() == model);

    std::string bytes = read_all(path);
    // A flipped bit inside the array: only the checksum can tell.
    std::string bad = bytes;
    bad[bytes.size() / 2] = static_cast<char>(bad[bytes.size() / 2] ^ 0x10);
    write_file(path, bad);
    BRINE_CHECK_THROWS_CODE(brine::load<brine::LinearRegression>(path),
                            brine::Errc::checksum_mismatch, "the file is damaged");
    BRINE_CHECK_THROWS_CODE(brine::load_any(path), brine::Errc::checksum_mismatch,
                            "the file is damaged");
    // Asking for another kind: the kind error, after the whole file proved intact.
    write_file(path, bytes);
    BRINE_CHECK_THROWS_CODE(brine::load<brine::DecisionTree>(path), brine::Errc::kind_mismatch,
                            "the file holds a linear_regression, not a decision_tree");
    // Cut short by one byte: a layout error before anything is decoded.
    write_file(path, bytes.substr(0, bytes.size() - 1));
    BRINE_CHECK_THROWS_CODE(brine::load<brine::LinearRegression>(path), brine::Errc::truncated,
                            "bytes for the payload and 8 for the checksum");
}

TEST_CASE("streamed save writes the bytes to_bytes gives", "[io][streamed]") {
    const TempDir dir;
    const std::string path = dir.file("s.brine");
    auto check = [&](const auto& model, brine::SaveOptions so) {
        so.created = "2026-01-02T03:04:05Z";  // else each save stamps its own time
        brine::detail::save_model_file(model, path, brine::Format::binary, so, 0);
        CHECK(read_all(path) == brine::to_bytes(model, brine::Format::binary, so));
        brine::detail::save_model_file(brine::AnyModel(model), path, brine::Format::binary, so, 0);
        CHECK(read_all(path) == brine::to_bytes(model, brine::Format::binary, so));
    };
    const auto tree = fixtures::tree_classifier();
    check(tree, options_with_reference(tree.n_features()));
    check(fixtures::linear_multi(), brine::SaveOptions{});
    const auto pipe = fixtures::pipeline_classifier();
    check(pipe, options_with_reference(pipe.n_features()));

    // Arrays holding a NaN are converted on the way (one canonical NaN), the rest pass as they are.
    brine::DecisionTree nan_leaves = fixtures::tree_regressor();
    for (Eigen::Index i = 0; i < nan_leaves.children_left.size(); ++i) {
        if (nan_leaves.children_left(i) == brine::DecisionTree::leaf)
            nan_leaves.threshold(i) = -std::numeric_limits<double>::quiet_NaN();
    }
    check(nan_leaves, brine::SaveOptions{});
    brine::LinearRegression big(Eigen::VectorXd::LinSpaced(300000, -1, 1), 0.25);
    check(big, brine::SaveOptions{});

    // A model that fails validation is refused before the file is touched.
    brine::LinearRegression bad = fixtures::linear();
    bad.intercept.resize(0);
    BRINE_CHECK_THROWS_CODE(
        brine::detail::save_model_file(bad, dir.file("bad.brine"), brine::Format::binary, {}, 0),
        brine::Errc::invalid_model, "LinearRegression");
    CHECK_FALSE(std::filesystem::exists(dir.file("bad.brine")));
}

namespace streamed_ensemble {

/// `n` stumps on feature t % 3 (3n nodes), summed: tree_offsets need 4 bytes a value past 32767
/// nodes, the children 1, default_left n / 8 + 1 bytes of bits.
brine::TreeEnsemble stumps(std::int32_t n) {
    brine::TreeEnsemble e;
    e.n_features_in = 3;
    e.tree_offsets.resize(n + 1);
    e.tree_output.setZero(n);
    const std::int32_t nodes = 3 * n;
    e.children_left.resize(nodes);
    e.children_right.resize(nodes);
    e.feature.resize(nodes);
    e.threshold.resize(nodes);
    e.default_left.resize(nodes);
    e.value.resize(nodes, 1);
    for (std::int32_t t = 0; t < n; ++t) {
        const std::int32_t at = 3 * t;
        e.tree_offsets(t) = at;
        e.children_left.segment(at, 3) << 1, -1, -1;
        e.children_right.segment(at, 3) << 2, -1, -1;
        e.feature.segment(at, 3) << t % 3, -2, -2;
        e.threshold.segment(at, 3) << static_cast<double>(t % 7) / 8.0, -2.0, -2.0;
        e.default_left.segment(at, 3) << static_cast<std::uint8_t>(t % 2), 0, 0;
        e.value(at, 0) = 0.0;
        e.value(at + 1, 0) = static_cast<double>(t % 5) / 4.0;
        e.value(at + 2, 0) = -static_cast<double>(t % 3) / 2.0;
    }
    e.tree_offsets(n) = nodes;
    e.base_score.setZero(1);
    return e;
}

}  // namespace streamed_ensemble

TEST_CASE("tree ensemble schema 2: streamed and in-memory loads agree, damaged bytes too",
          "[io][streamed]") {
    const TempDir dir;
    // 9 nodes: two bytes of default_left bits, 7 of them unused.
    const auto small = fixtures::ensemble_boosted_binary();
    const std::string good =
        brine::to_bytes(small, brine::Format::binary, options_with_reference(small.n_features()));
    REQUIRE(brine::inspect_bytes(good).schema_version == 2);
    const auto s = brine::detail::split_binary(good);
    for (std::size_t i = s.payload_offset; i < good.size(); ++i) {
        for (const unsigned char mask : {0x01, 0x80}) {
            std::string bad = good;
            bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
            INFO("byte " << i << " xor " << int(mask));
            check_same(dir, bad, small);
        }
    }
    for (std::size_t n = s.payload_offset; n < good.size(); ++n) {
        INFO("truncated to " << n << " bytes");
        check_same(dir, good.substr(0, n), small);
    }

    // 120000 nodes (2.3 MB): load streams it; every packed array spans several chunks.
    const brine::TreeEnsemble big = streamed_ensemble::stumps(40000);
    const std::string path = dir.file("big.brine");
    brine::save(big, path);
    REQUIRE(read_all(path).size() > brine::detail::stream_threshold);
    CHECK(brine::load<brine::TreeEnsemble>(path) == big);
    CHECK(*brine::load_any(path).get_if<brine::TreeEnsemble>() == big);
    CHECK(brine::from_bytes<brine::TreeEnsemble>(read_all(path)) == big);
    CHECK(brine::detail::load_model_file<brine::TreeEnsemble>(path, {}, ~std::uint64_t{0}) == big);
}
