// Tests that every product of sizes a load computes (reference rows x a model's cost) is bounded
// before the work is done, so that the worst file of each kind loads in time linear in its size.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <algorithm>
#include <ctime>
#include <functional>
#include <string>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"
#include "worst_files.hpp"

using brine::Errc;

namespace {

/// CPU time of this thread, in seconds: less disturbed by other processes than wall time.
double thread_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// The fastest of three loads (seconds), and whether they succeeded or how they failed.
struct Timed {
    double seconds = 0;
    bool loaded = false;
    Errc code = Errc::io;
};
Timed time_load(const std::string& bytes, const brine::LoadOptions& o) {
    Timed t;
    t.seconds = 1e30;
    for (int k = 0; k < 3; ++k) {
        const double start = thread_seconds();
        try {
            (void)brine::from_bytes_any(bytes, o);
            t.loaded = true;
        } catch (const brine::Error& e) {
            t.code = e.code();
        }
        t.seconds = std::min(t.seconds, thread_seconds() - start);
    }
    return t;
}

/// A load option set without the fixed allowance: every check that runs then costs at most
/// per_element operations per value in the file, so time is proportional to size from the
/// smallest file on.
brine::LoadOptions no_base() {
    brine::LoadOptions o;
    o.reference_work_base = 0;
    return o;
}

struct Sizes {
    std::string name;
    std::function<std::string(Eigen::Index n, bool over)> file;  // over: more rows than fit
    Eigen::Index n[3];
};

std::vector<Sizes> product_classes() {
    const brine::LoadOptions o = no_base();
    std::vector<Sizes> c;
    c.push_back({"tree: rows x depth",
                 [o](Eigen::Index n, bool over) {
                     const brine::DecisionTree t = worst::chain_tree(static_cast<std::int32_t>(n));
                     return over ? worst::with_unchecked_rows(t, n)
                                 : worst::with_reference(
                                       t, worst::reference_for(t, worst::most_rows(t, o)));
                 },
                 {1 << 10, 1 << 12, 1 << 14}});
    c.push_back({"pipeline: rows x steps x width",
                 [o](Eigen::Index n, bool over) {
                     const brine::Pipeline p = worst::long_pipeline(n, 4);
                     return over ? worst::with_unchecked_rows(p, n)
                                 : worst::with_reference(
                                       p, worst::reference_for(p, worst::most_rows(p, o)));
                 },
                 {1 << 8, 1 << 10, 1 << 12}});
    c.push_back({"logistic: rows x classes x features",
                 [o](Eigen::Index n, bool over) {
                     const brine::LogisticRegression m = worst::wide_logistic(n, n);
                     return over ? worst::with_unchecked_rows(m, n)
                                 : worst::with_reference(
                                       m, worst::reference_for(m, worst::most_rows(m, o)));
                 },
                 {64, 128, 256}});
    // The products of the kinds that came later: trees x rows in an ensemble, and the widths a
    // pipeline's steps produce (one-hot categories, a ColumnTransformer's repeated column list)
    // that no stored value pays for, each times the rows.
    c.push_back({"tree ensemble: rows x trees",
                 [o](Eigen::Index n, bool over) {
                     const brine::TreeEnsemble e = worst::chain_forest(n, 1);
                     return over ? worst::with_unchecked_rows(e, n)
                                 : worst::with_reference(
                                       e, worst::reference_for(e, worst::most_rows(e, o)));
                 },
                 {1 << 9, 1 << 11, 1 << 13}});
    c.push_back({"one-hot -> linear: rows x categories",
                 [o](Eigen::Index n, bool over) {
                     const brine::Pipeline p = worst::one_hot_pipeline(n);
                     return over ? worst::with_unchecked_rows(p, n)
                                 : worst::with_reference(
                                       p, worst::reference_for(p, worst::most_rows(p, o)));
                 },
                 {1 << 10, 1 << 12, 1 << 14}});
    c.push_back({"column transformer -> linear: rows x column list",
                 [o](Eigen::Index n, bool over) {
                     const brine::Pipeline p = worst::column_pipeline(n);
                     return over ? worst::with_unchecked_rows(p, n)
                                 : worst::with_reference(
                                       p, worst::reference_for(p, worst::most_rows(p, o)));
                 },
                 {1 << 10, 1 << 12, 1 << 14}});
    return c;
}

}  // namespace

TEST_CASE("stored reference outputs must have the model's shape before anything is computed",
          "[io][bounded]") {
    // n x 0 outputs for a model that gives 1024 per row: refused as malformed, naming both shapes.
    const worst::File f = worst::logistic_outputs_n_by_0(1000);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(f.bytes), Errc::malformed,
                            "reference block has inputs 1000 x 1 and outputs 1000 x 0; the model "
                            "needs inputs of 1 columns and gives 1024 outputs per row");
    // One output column too many, and one row too few.
    const brine::LogisticRegression m = fixtures::logistic_multi();
    brine::Reference r = worst::reference_for(m, 3);
    brine::Reference wide = r;
    wide.outputs.conservativeResize(3, m.n_classes() + 1);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(worst::with_reference(m, wide)), Errc::malformed,
                            "outputs 3 x 4; the model needs inputs of 2 columns and gives 3");
    brine::Reference few = r;
    few.outputs.conservativeResize(2, m.n_classes());
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(worst::with_reference(m, few)), Errc::malformed,
                            "outputs 2 x 3");
    // The consistent block loads.
    CHECK(brine::from_bytes<brine::LogisticRegression>(worst::with_reference(m, r)) == m);
}

TEST_CASE("the reference check's work is bounded before it runs", "[io][bounded]") {
    // A chain of depth 8192 walked by 8192 rows: 8192 x (1 + 1 + 2 x 8193 + 1) = 134,258,688
    // operations; budget 2^24 + 16 x (4 x 16385 + 16385 + 2 x 8192) = 18,350,160.
    const worst::File f = worst::tree_rows_x_depth(8192);
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(f.bytes), Errc::limit_exceeded,
        "8192 reference rows cost 134258688 operations to check (16389 per row), over the budget "
        "of 18350160 (reference_work_base 16777216 + 16 x 98309 parameter and reference values); "
        "raise LoadOptions::reference_work_per_element, or set LoadOptions::verify_reference = "
        "false to load without the check");
    // The same file loads when the caller raises the budget or skips the check.
    brine::LoadOptions more;
    more.reference_work_per_element = 2048;
    CHECK(brine::from_bytes<brine::DecisionTree>(f.bytes, more).n_nodes() == 16385);
    brine::LoadOptions skip;
    skip.verify_reference = false;
    CHECK(brine::from_bytes<brine::DecisionTree>(f.bytes, skip).n_nodes() == 16385);
    // A quarter of the rows do not fit either (2048 x 16389 = 33,564,672 > 2^24 + 16 x (81925 +
    // 4096)); an eighth do (1024 x 16389 = 16,782,336 <= 2^24 + 16 x (81925 + 2048)).
    const brine::DecisionTree t = worst::chain_tree(8192);
    CHECK(brine::detail::reference_work(t, 2048) == 2048u * 16389u);
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(worst::with_reference(t, worst::reference_for(t, 2048))),
        Errc::limit_exceeded, "2048 reference rows cost 33564672 operations");
    brine::Reference r = worst::reference_for(t, 1024);
    CHECK(brine::from_bytes<brine::DecisionTree>(worst::with_reference(t, r)) == t);
}

TEST_CASE("saving refuses reference rows the default load would refuse", "[io][bounded]") {
    const brine::DecisionTree t = worst::chain_tree(8192);
    brine::SaveOptions so;
    so.reference_inputs = Eigen::MatrixXd::Constant(8192, 1, 0.5);
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(t, brine::Format::binary, so), Errc::invalid_argument,
                            "reference_inputs: 8192 reference rows cost 134258688 operations");
    so.reference_inputs = Eigen::MatrixXd::Constant(1024, 1, 0.5);
    CHECK(brine::from_bytes<brine::DecisionTree>(brine::to_bytes(t, brine::Format::binary, so)) ==
          t);
}

TEST_CASE("a pipeline's reference check runs in blocks of at most 2^15 values", "[io][bounded]") {
    // docs/threat-model.md: at most 256 rows, and at most max(2^15, widest step output) values.
    using brine::detail::reference_block_rows;
    CHECK(reference_block_rows(worst::long_pipeline(1, 4)) == 256);
    CHECK(reference_block_rows(worst::long_pipeline(1, 128)) == 256);
    CHECK(reference_block_rows(worst::long_pipeline(1, 129)) == 254);  // 32768 / 129 = 254.02
    CHECK(reference_block_rows(worst::long_pipeline(2, 1000)) == 32);
    CHECK(reference_block_rows(worst::long_pipeline(1, 16384)) == 2);
    CHECK(reference_block_rows(worst::long_pipeline(1, 16385)) == 1);
    CHECK(reference_block_rows(worst::long_pipeline(1, 40000)) == 1);
}

TEST_CASE("the cost model counts each kind's work per row", "[io][bounded]") {
    using brine::detail::reference_work;
    using brine::detail::row_cost;
    // Linear: 2 x targets x (features + 1); logistic adds the classes; scalers 2 x width; a tree
    // 2 x (its depth + 1) plus its value width; a pipeline the sum. W adds the inputs and outputs.
    CHECK(row_cost(fixtures::linear_multi()) == 2u * 2u * 4u);
    CHECK(row_cost(fixtures::logistic_multi()) == 2u * 3u * 3u + 3u);
    CHECK(row_cost(fixtures::standard_scaler()) ==
          2u * static_cast<std::uint64_t>(fixtures::standard_scaler().n_features()));
    CHECK(row_cost(worst::chain_tree(100)) == 2u * 101u + 1u);
    CHECK(row_cost(worst::long_pipeline(10, 4)) == 10u * 8u + 2u * 5u);
    CHECK(reference_work(worst::long_pipeline(10, 4), 7) == 7u * (4u + 1u + 90u));
    // An ensemble: per tree 2 x (depth + 1) plus the leaf width, then 2 x scores + classes. A
    // one-hot encoder: its width plus a binary search per feature (1 + the bit length of k - 1, so
    // 10 for k = 1000). A ColumnTransformer: 1, then per branch 1 + its columns + its steps.
    CHECK(row_cost(worst::chain_forest(10, 3)) == 10u * (2u * 4u + 1u) + 2u);
    CHECK(row_cost(worst::one_hot_pipeline(1000)) == (1000u + 10u) + 2u * 1001u);
    CHECK(row_cost(worst::column_pipeline(1000)) == (1u + 1u + 1000u + 1u) + 2u * 1001u);
    CHECK(row_cost(worst::imputer_pipeline(64)) == (2u * 64u + 64u) + 2u * 129u);
    // Sizes that overflow saturate: "too much", never a small number.
    CHECK(brine::detail::cost_mul(std::uint64_t{1} << 40, std::uint64_t{1} << 40) == UINT64_MAX);
}

TEST_CASE("the worst file of each product class loads in time linear in its size",
          "[io][bounded]") {
    // For each class, the worst accepted file (as many reference rows as the budget allows) and a
    // file with more rows than fit (refused before the check), at sizes growing 4x then 4x again.
    // Linear growth gives a time ratio of 16 between the smallest and the largest; a product of
    // two sizes gives 256. The bound allows 64 (4x margin for caches and a busy machine).
    const brine::LoadOptions o = no_base();
    for (const Sizes& c : product_classes()) {
        for (const bool over : {false, true}) {
            INFO(c.name << (over ? ", more rows than fit" : ", most rows that fit"));
            double seconds[3] = {}, bytes[3] = {};
            for (int k = 0; k < 3; ++k) {
                const std::string file = c.file(c.n[k], over);
                const Timed t = time_load(file, o);
                CHECK(t.loaded == !over);
                if (over) CHECK(t.code == Errc::limit_exceeded);
                seconds[k] = t.seconds;
                bytes[k] = static_cast<double>(file.size());
            }
            INFO("bytes " << bytes[0] << " " << bytes[1] << " " << bytes[2] << ", seconds "
                          << seconds[0] << " " << seconds[1] << " " << seconds[2]);
            CHECK(bytes[2] / bytes[0] >= 8);  // the sizes do grow (about 16x, less a fixed header)
            CHECK(seconds[2] <= 4 * (bytes[2] / bytes[0]) * seconds[0] + 0.002);
        }
    }
}
