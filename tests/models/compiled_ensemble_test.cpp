// Tests of brine::CompiledEnsemble: every prediction gives the bits of the TreeEnsemble it was
// compiled from (compare modes, inputs one ulp either side of thresholds, NaN rows, accumulations,
// links, threads, single rows, Rows forms), and it is a snapshot that later edits do not reach.
// SPDX-License-Identifier: MIT
#include "brine/models/compiled_ensemble.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

namespace compiled_ensemble_test {

using brine::CompiledEnsemble;
using brine::Errc;
using brine::TreeEnsemble;
using Compare = TreeEnsemble::Compare;

/// A fixed linear congruential stream in [0, 1).
struct Stream {
    std::uint64_t state = 99;
    double next() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) * 0x1.0p-53;
    }
};

/// `trees` random trees over 6 features (feature 5 never read), grown breadth first: a node splits
/// with probability 0.8 above depth `max_depth` (some trees are deep and unbalanced, some
/// shallow). Thresholds in [-2, 2] (float32 values for float32_lt); leaves of width `w`; every
/// tree adds to score t % n_scores. Task, link and classes as given.
TreeEnsemble grown(Compare c, TreeEnsemble::Accumulation acc, int trees, int max_depth,
                   Eigen::Index w, Eigen::Index n_scores) {
    TreeEnsemble e;
    e.n_features_in = 6;
    e.compare = c;
    e.accumulation = acc;
    Stream r;
    std::vector<std::int32_t> left, right, feature, offsets{0}, outputs;
    std::vector<std::uint8_t> def;
    std::vector<double> thr, val;
    const auto f32 = [](double v) { return static_cast<double>(static_cast<float>(v)); };
    for (int t = 0; t < trees; ++t) {
        const auto first = static_cast<std::int32_t>(left.size());
        std::vector<int> depth{0};
        for (std::size_t i = 0; i < depth.size(); ++i) {
            const bool split = depth[i] < max_depth && (i == 0 || r.next() < 0.8);
            const auto next = static_cast<std::int32_t>(depth.size());
            left.push_back(split ? next : -1);
            right.push_back(split ? next + 1 : -1);
            feature.push_back(split ? static_cast<std::int32_t>(r.next() * 5) : -2);
            const double th = 4 * r.next() - 2;
            thr.push_back(split ? (c == Compare::float32_lt ? f32(th) : th) : -2);
            def.push_back(r.next() < 0.5 ? 1 : 0);
            for (Eigen::Index k = 0; k < w; ++k) {
                const double v = split ? 0.0 : r.next() - 0.5;
                val.push_back(acc == TreeEnsemble::Accumulation::float32 ? f32(v) : v);
            }
            if (split) depth.insert(depth.end(), {depth[i] + 1, depth[i] + 1});
        }
        offsets.push_back(first + static_cast<std::int32_t>(depth.size()));
        outputs.push_back(static_cast<std::int32_t>(t % (n_scores - w + 1)));
    }
    const auto n = static_cast<Eigen::Index>(left.size());
    e.tree_offsets = Eigen::Map<brine::IndexVector>(offsets.data(), trees + 1);
    e.tree_output = Eigen::Map<brine::IndexVector>(outputs.data(), trees);
    e.children_left = Eigen::Map<brine::IndexVector>(left.data(), n);
    e.children_right = Eigen::Map<brine::IndexVector>(right.data(), n);
    e.feature = Eigen::Map<brine::IndexVector>(feature.data(), n);
    e.threshold = Eigen::Map<Eigen::VectorXd>(thr.data(), n);
    e.default_left = Eigen::Map<brine::FlagVector>(def.data(), n);
    e.value = Eigen::Map<brine::RowMatrix>(val.data(), n, w);
    e.base_score = Eigen::VectorXd::Constant(n_scores, 0.25);
    return e;
}

/// Rows of values near the ensemble's thresholds: each threshold t, the doubles next to it, its
/// float32 rounding and the float32 values next to that; every 13th value NaN.
Eigen::MatrixXd near_thresholds(const TreeEnsemble& e, Eigen::Index rows) {
    std::vector<double> pool;
    for (Eigen::Index g = 0; g < e.n_nodes(); ++g) {
        if (e.children_left(g) == -1) continue;
        const double t = e.threshold(g);
        const auto f = static_cast<float>(t);
        pool.insert(pool.end(),
                    {t, std::nextafter(t, -HUGE_VAL), std::nextafter(t, HUGE_VAL),
                     static_cast<double>(f), static_cast<double>(std::nextafter(f, -HUGE_VALF)),
                     static_cast<double>(std::nextafter(f, HUGE_VALF))});
    }
    Eigen::MatrixXd X(rows, 6);
    Stream r;
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < 6; ++j) {
            X(i, j) = pool[static_cast<std::size_t>(r.next() * static_cast<double>(pool.size()))];
            if ((i * 6 + j) % 13 == 0) X(i, j) = std::numeric_limits<double>::quiet_NaN();
        }
    }
    return X;
}

bool same(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) ==
               0;
}

/// Every form of `c` against the ensemble `e` it was compiled from, on X.
void check_same(const TreeEnsemble& e, const CompiledEnsemble& c, const Eigen::MatrixXd& X) {
    const Eigen::MatrixXd S = e.decision_function(X);
    CHECK(same(c.decision_function(X), S));
    CHECK(same(c.predict(X), e.predict(X)));
    const brine::IndexMatrix L = e.apply(X);
    CHECK(c.apply(X) == L);
    const brine::RowMatrix R = X;
    const Eigen::MatrixXf F = X.cast<float>();
    CHECK(same(c.decision_function(R), S));
    CHECK(same(e.decision_function(R), S));  // TreeEnsemble's Rows forms too
    CHECK(c.apply(R) == L);
    CHECK(e.apply(R) == L);
    CHECK(same(c.decision_function(F), e.decision_function(Eigen::MatrixXd(F.cast<double>()))));
    CHECK(c.apply(F) == e.apply(Eigen::MatrixXd(F.cast<double>())));
    std::vector<double> buf(static_cast<std::size_t>(X.rows() * e.n_scores()));
    c.decision_function(brine::Rows(R), buf);
    CHECK(same(Eigen::Map<brine::RowMatrix>(buf.data(), X.rows(), e.n_scores()), S));
    std::vector<std::int32_t> leaves(static_cast<std::size_t>(X.rows() * e.n_trees()));
    c.apply(brine::Rows(R), leaves.data(), static_cast<Eigen::Index>(leaves.size()));
    CHECK(Eigen::Map<brine::IndexMatrix>(leaves.data(), X.rows(), e.n_trees()) == L);
    TreeEnsemble::PredictOptions two;
    two.threads = 2;
    CHECK(same(c.decision_function(X, two), S));
    CHECK(c.apply(X, two) == L);
    if (e.is_classifier()) {
        const Eigen::MatrixXd P = e.predict_proba(X);
        CHECK(same(c.predict_proba(X), P));
        CHECK(same(c.predict_proba(X, two), P));
    }
    std::vector<double> s1(static_cast<std::size_t>(e.n_scores())), s2(s1);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        INFO("row " << i);
        CHECK(c.predict_one(X.row(i)) == e.predict_one(X.row(i)));
        c.decision_function_one(X.row(i), s1);
        e.decision_function_one(X.row(i), s2);
        CHECK(s1 == s2);
        if (e.is_classifier()) {
            std::vector<double> p1(static_cast<std::size_t>(e.n_classes())), p2(p1);
            c.predict_proba_one(X.row(i), p1);
            e.predict_proba_one(X.row(i), p2);
            CHECK(p1 == p2);
        }
    }
}

TEST_CASE("CompiledEnsemble: every compare mode and accumulation gives the ensemble's bits") {
    for (const Compare cm : {Compare::double_le, Compare::float32_le, Compare::float32_lt}) {
        for (const auto acc :
             {TreeEnsemble::Accumulation::float64, TreeEnsemble::Accumulation::float32}) {
            INFO("compare " << static_cast<int>(cm) << ", accumulation " << static_cast<int>(acc));
            // Depth 6 (the unrolled walks) and depth 12 (deep, unbalanced trees).
            for (const int depth : {6, 12}) {
                const TreeEnsemble e = grown(cm, acc, 19, depth, 1, 1);
                REQUIRE_NOTHROW(e.validate());
                const CompiledEnsemble c = e.compile();
                check_same(e, c, near_thresholds(e, 150));
            }
        }
    }
}

/// `e` with one more tree that is a single leaf (value 0.375), adding to score 0.
TreeEnsemble with_leaf_tree(TreeEnsemble e) {
    const Eigen::Index n = e.n_nodes(), t = e.n_trees();
    e.tree_offsets.conservativeResize(t + 2);
    e.tree_offsets(t + 1) = static_cast<std::int32_t>(n + 1);
    e.tree_output.conservativeResize(t + 1);
    e.tree_output(t) = 0;
    e.children_left.conservativeResize(n + 1);
    e.children_left(n) = -1;
    e.children_right.conservativeResize(n + 1);
    e.children_right(n) = -1;
    e.feature.conservativeResize(n + 1);
    e.feature(n) = -2;
    e.threshold.conservativeResize(n + 1);
    e.threshold(n) = -2;
    e.default_left.conservativeResize(n + 1);
    e.default_left(n) = 0;
    e.value.conservativeResize(n + 1, e.value.cols());
    e.value.row(n).setConstant(0.375);
    return e;
}

TEST_CASE("CompiledEnsemble: single rows of shallow boosted trees, leaves above the deepest") {
    // Boosted trees of depth at most 8 (single rows walk them as complete trees): trees of
    // uneven depth, one a single leaf, a tree count that is not a multiple of the trees walked
    // together, values next to every threshold and NaN.
    for (const Compare cm : {Compare::double_le, Compare::float32_le, Compare::float32_lt}) {
        for (const auto acc :
             {TreeEnsemble::Accumulation::float64, TreeEnsemble::Accumulation::float32}) {
            for (const int depth : {1, 3, 8}) {
                INFO("compare " << static_cast<int>(cm) << ", accumulation "
                                << static_cast<int>(acc) << ", depth " << depth);
                const TreeEnsemble e = with_leaf_tree(grown(cm, acc, 10, depth, 1, 1));
                REQUIRE_NOTHROW(e.validate());
                check_same(e, e.compile(), near_thresholds(e, 40));
            }
        }
    }
}

TEST_CASE("CompiledEnsemble: trees too large for 64-row blocks, several blocks on threads") {
    // About 2000 nodes per tree: the walk takes blocks of thousands of rows (flat_block_rows).
    const TreeEnsemble e =
        grown(Compare::float32_le, TreeEnsemble::Accumulation::float64, 3, 15, 1, 1);
    REQUIRE(e.n_nodes() * 12 / 3 > 16 * 1024);
    check_same(e, e.compile(), near_thresholds(e, 17000));
}

TEST_CASE("CompiledEnsemble: links, averaged forests and multi-class boosting") {
    TreeEnsemble forest = grown(Compare::float32_le, TreeEnsemble::Accumulation::float64, 9, 9, 3,
                                3);  // leaves of 3 classes, averaged
    forest.task = TreeEnsemble::Task::classification;
    forest.aggregation = TreeEnsemble::Aggregation::average;
    forest.base_score.setZero();
    forest.classes = fixtures::vec({0, 1, 2});
    REQUIRE_NOTHROW(forest.validate());
    check_same(forest, forest.compile(), near_thresholds(forest, 100));
    TreeEnsemble wide = grown(Compare::double_le, TreeEnsemble::Accumulation::float64, 7, 6, 6,
                              6);  // leaves of 6 classes: read from `value`, not copied
    wide.task = TreeEnsemble::Task::classification;
    wide.aggregation = TreeEnsemble::Aggregation::average;
    wide.base_score.setZero();
    wide.classes = fixtures::vec({0, 1, 2, 3, 4, 5});
    REQUIRE_NOTHROW(wide.validate());
    check_same(wide, wide.compile(), near_thresholds(wide, 100));

    TreeEnsemble multi = grown(Compare::float32_lt, TreeEnsemble::Accumulation::float32, 12, 5, 1,
                               3);  // tree t adds to class t % 3
    multi.task = TreeEnsemble::Task::classification;
    multi.link = TreeEnsemble::Link::softmax;
    multi.classes = fixtures::vec({-1, 4, 7});
    REQUIRE_NOTHROW(multi.validate());
    check_same(multi, multi.compile(), near_thresholds(multi, 100));

    const TreeEnsemble binary = fixtures::ensemble_boosted_binary();
    Eigen::MatrixXd X = near_thresholds(binary, 60).leftCols(3);
    check_same(binary, CompiledEnsemble(binary), X);
    TreeEnsemble logistic = fixtures::ensemble_regressor();
    logistic.link = TreeEnsemble::Link::logistic;
    check_same(logistic, logistic.compile(), X.leftCols(2));
}

TEST_CASE("CompiledEnsemble: a snapshot, refusing what TreeEnsemble refuses") {
    TreeEnsemble e = grown(Compare::double_le, TreeEnsemble::Accumulation::float64, 5, 4, 1, 1);
    const Eigen::MatrixXd X = near_thresholds(e, 40);
    const CompiledEnsemble c = e.compile();
    const Eigen::VectorXd y = e.predict(X);
    const CompiledEnsemble copy = c;
    e.value.setConstant(1.0);  // later edits of the source do not reach the snapshot
    e.children_left(0) = 7;
    CHECK(same(c.predict(X), y));
    CHECK(same(copy.predict(X), y));
    BRINE_CHECK_THROWS_CODE(e.compile(), Errc::invalid_model, "TreeEnsemble");

    Eigen::MatrixXd Xi = X;
    Xi(3, 5) = HUGE_VAL;  // column 5: no split reads it
    CHECK(same(c.predict(Xi), y));
    CHECK(c.predict_one(Xi.row(3)) == y(3));
    Xi(3, 1) = -HUGE_VAL;
    const TreeEnsemble& m = c.model();
    for (const Eigen::Index j : {0, 1, 2, 3, 4}) Xi(3, j) = j == 1 ? -HUGE_VAL : 0.0;
    BRINE_CHECK_THROWS_CODE(c.predict(Xi), Errc::invalid_input,
                            "TreeEnsemble: input row 3, column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(c.predict_one(Xi.row(3)), Errc::invalid_input,
                            "TreeEnsemble: input column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(m.predict_one(Xi.row(3)), Errc::invalid_input,
                            "TreeEnsemble: input column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(c.predict(Eigen::MatrixXd::Zero(2, 5)), Errc::shape_mismatch,
                            "TreeEnsemble");
    BRINE_CHECK_THROWS_CODE(c.predict_one(Eigen::RowVectorXd::Zero(7)), Errc::shape_mismatch,
                            "TreeEnsemble");
    double s = 0;
    BRINE_CHECK_THROWS_CODE(c.decision_function_one(X.row(0), &s, 0), Errc::shape_mismatch,
                            "TreeEnsemble");
    BRINE_CHECK_THROWS_CODE(c.predict_proba(X), Errc::invalid_argument, "regressor");
    std::vector<std::int32_t> small(3);
    BRINE_CHECK_THROWS_CODE(c.apply(brine::Rows(X.data(), 1, 6), small.data(), 3),
                            Errc::shape_mismatch, "TreeEnsemble");
    TreeEnsemble::PredictOptions none;
    none.threads = 0;
    BRINE_CHECK_THROWS_CODE(c.predict(X, none), Errc::invalid_argument,
                            "PredictOptions::threads must be >= 1, is 0");
}

}  // namespace compiled_ensemble_test
