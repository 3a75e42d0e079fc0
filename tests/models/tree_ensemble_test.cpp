// Tests of brine::TreeEnsemble on hand-built ensembles: the three compare modes on every input
// next to a threshold (in double and in float32), missing values, summation order, the links,
// every validate() rule and the checks of the prediction calls.
// SPDX-License-Identifier: MIT
#include "brine/models/tree_ensemble.hpp"
#include "brine/models/any_model.hpp"
#include "brine/models/decision_tree.hpp"
#include "brine/models/pipeline.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

namespace tree_ensemble_test {

using brine::Errc;
using brine::TreeEnsemble;
using Compare = TreeEnsemble::Compare;

/// One stump on x0 at `t`: left leaf 1, right leaf 2; missing values go `left` or right.
TreeEnsemble stump(double t, Compare c, bool missing_left = false) {
    TreeEnsemble e;
    e.n_features_in = 1;
    e.compare = c;
    e.tree_offsets.resize(2);
    e.tree_offsets << 0, 3;
    e.tree_output.setZero(1);
    fixtures::ensemble_nodes(e, {1, -1, -1}, {2, -1, -1}, {0, -2, -2}, {t, -2, -2},
                             {missing_left ? 1 : 0, 0, 0});
    e.value.resize(3, 1);
    e.value << 0, 1, 2;
    e.base_score.setZero(1);
    return e;
}

// ---- Independent definitions of the three rules
// -------------------------------------------------- float(x) <= f, for a float32 value f, holds
// exactly when x is below the midpoint between f and the next float32 value up, or on it when f's
// significand is even (round half to even): so each rule is a comparison with a midpoint, computed
// here without rounding any input to float32.

bool even_significand(float f) {
    std::uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return (b & 1u) == 0;
}

/// Whether float(x) <= f for the float32 value f (finite x).
bool float_le(double x, float f) {
    if (f == std::numeric_limits<float>::infinity()) return true;
    const float up = std::nextafter(f, std::numeric_limits<float>::infinity());
    // Above FLT_MAX the next "value" is infinity: doubles round to it from FLT_MAX + half an ulp.
    const double mid = std::isinf(up) ? static_cast<double>(f) + std::ldexp(1.0, 103)
                                      : (static_cast<double>(f) + static_cast<double>(up)) / 2;
    return x < mid || (x == mid && even_significand(f));
}

/// The largest float32 value <= t (t a finite double).
float float_at_or_below(double t) {
    float f = static_cast<float>(t);
    if (static_cast<double>(f) > t) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    REQUIRE(static_cast<double>(f) <= t);
    return f;
}

/// The expected side (true: left) of x at threshold t under each rule.
bool expected_left(double x, double t, Compare c) {
    switch (c) {
        case Compare::double_le: return x <= t;
        case Compare::float32_le: return float_le(x, float_at_or_below(t));  // float(x) <= t
        case Compare::float32_lt: {
            // float(x) < t, t a float32 value: float(x) <= the float32 value below t.
            const auto f = static_cast<float>(t);
            return float_le(x, std::nextafter(f, -std::numeric_limits<float>::infinity()));
        }
    }
    return false;
}

/// t, the doubles up to 3 ulps either side, the float32 values up to 3 ulps either side of t's
/// nearest float32, and the doubles next to each of those.
std::vector<double> neighbourhood(double t) {
    std::vector<double> xs{t};
    double lo = t, hi = t;
    for (int k = 0; k < 3; ++k) {
        lo = std::nextafter(lo, -HUGE_VAL);
        hi = std::nextafter(hi, HUGE_VAL);
        xs.push_back(lo);
        xs.push_back(hi);
    }
    const auto f = static_cast<float>(t);
    std::vector<float> fs{f};
    float flo = f, fhi = f;
    for (int k = 0; k < 3; ++k) {
        flo = std::nextafter(flo, -HUGE_VALF);
        fhi = std::nextafter(fhi, HUGE_VALF);
        fs.push_back(flo);
        fs.push_back(fhi);
    }
    for (const float v : fs) {
        if (std::isinf(v)) continue;
        const auto d = static_cast<double>(v);
        xs.push_back(d);
        xs.push_back(std::nextafter(d, -HUGE_VAL));
        xs.push_back(std::nextafter(d, HUGE_VAL));
        // the midpoints to the float32 neighbours, where round half to even decides
        const float up = std::nextafter(v, HUGE_VALF);
        if (!std::isinf(up)) {
            const double mid = (d + static_cast<double>(up)) / 2;
            xs.push_back(mid);
            xs.push_back(std::nextafter(mid, -HUGE_VAL));
            xs.push_back(std::nextafter(mid, HUGE_VAL));
        }
    }
    return xs;
}

TEST_CASE(
    "TreeEnsemble: each compare mode sends every input next to a threshold to the side its "
    "rule gives") {
    // Thresholds: float32 values and not, tiny (float32 subnormal), huge (near FLT_MAX), signed
    // zeros, and an integer float32 cannot hold.
    const double flt_max = std::numeric_limits<float>::max();
    const double tiny = std::numeric_limits<float>::denorm_min();
    const std::vector<double> float_thresholds{0.5,        -2.75,
                                               0.0,        -0.0,
                                               tiny,       static_cast<double>(3e-39f),
                                               flt_max,    -flt_max,
                                               16777216.0, static_cast<double>(0.1f)};
    const std::vector<double> double_thresholds{0.1,        1.0 / 3,      -1e-40, 1e-45,
                                                16777217.0, 3.4028235e38, 1e300};
    Eigen::Index checked = 0;
    for (const Compare c : {Compare::double_le, Compare::float32_le, Compare::float32_lt}) {
        std::vector<double> ts = float_thresholds;
        if (c != Compare::float32_lt)
            ts.insert(ts.end(), double_thresholds.begin(), double_thresholds.end());
        for (const double t : ts) {
            const TreeEnsemble e = stump(t, c);
            REQUIRE_NOTHROW(e.validate());
            const std::vector<double> xs = neighbourhood(t);
            Eigen::MatrixXd X(static_cast<Eigen::Index>(xs.size()), 1);
            for (std::size_t i = 0; i < xs.size(); ++i) X(static_cast<Eigen::Index>(i), 0) = xs[i];
            const Eigen::VectorXd batch = e.predict(X);
            for (Eigen::Index i = 0; i < X.rows(); ++i) {
                INFO("compare " << static_cast<int>(c) << ", threshold " << t << ", x " << X(i, 0));
                const double want = expected_left(X(i, 0), t, c) ? 1.0 : 2.0;
                CHECK(batch(i) == want);
                CHECK(e.predict_one(X.row(i)) == want);
                ++checked;
            }
        }
    }
    CHECK(checked > 1000);
}

TEST_CASE("TreeEnsemble: the compare modes differ exactly where their rules do") {
    // 0.1 is no float32 value: float(0.1) = 0.100000001490116..., above 0.1.
    const double t = 0.1;
    const double x = static_cast<double>(0.1f);  // above t in double
    CHECK(stump(t, Compare::double_le).predict_one(Eigen::RowVectorXd::Constant(1, x)) == 2.0);
    // A double just below t rounds up to float(0.1) > t: right under float32_le, left in double.
    const double below = std::nextafter(t, 0.0);
    CHECK(stump(t, Compare::double_le).predict_one(Eigen::RowVectorXd::Constant(1, below)) == 1.0);
    CHECK(stump(t, Compare::float32_le).predict_one(Eigen::RowVectorXd::Constant(1, below)) == 2.0);
    // XGBoost: float(x) < 0.5f; a double just below 0.5 rounds to 0.5: right.
    const double just_below_half = std::nextafter(0.5, 0.0);
    CHECK(stump(0.5, Compare::float32_lt)
              .predict_one(Eigen::RowVectorXd::Constant(1, just_below_half)) == 2.0);
    CHECK(stump(0.5, Compare::float32_le)
              .predict_one(Eigen::RowVectorXd::Constant(1, just_below_half)) == 1.0);
    // Beyond float32's range, float(x) is infinity: right of every finite threshold.
    CHECK(stump(1e300, Compare::float32_le).predict_one(Eigen::RowVectorXd::Constant(1, 1e299)) ==
          2.0);
    CHECK(stump(1e300, Compare::double_le).predict_one(Eigen::RowVectorXd::Constant(1, 1e299)) ==
          1.0);
}

TEST_CASE("TreeEnsemble: infinite thresholds under each compare mode") {
    // Inputs beyond float32's range round to +-infinity under the float32 rules; an infinite
    // threshold then compares with an infinite input. Expected sides derived by hand.
    const double big = std::numeric_limits<double>::max();
    const double inf = HUGE_VAL;
    struct Row {
        double t, x;
        Compare c;
        double leaf;
    };
    const Row rows[] = {
        {inf, big, Compare::double_le, 1},    {inf, big, Compare::float32_le, 1},
        {inf, big, Compare::float32_lt, 2},  // float(x) = inf, inf < inf is false
        {inf, 0.0, Compare::float32_lt, 1},   {-inf, -big, Compare::double_le, 2},
        {-inf, -big, Compare::float32_le, 1},  // float(x) = -inf <= -inf
        {-inf, -big, Compare::float32_lt, 2}, {-inf, 0.0, Compare::float32_le, 2},
    };
    for (const Row& row : rows) {
        INFO("threshold " << row.t << ", x " << row.x << ", compare " << static_cast<int>(row.c));
        const TreeEnsemble e = stump(row.t, row.c);
        REQUIRE_NOTHROW(e.validate());
        CHECK(e.predict_one(Eigen::RowVectorXd::Constant(1, row.x)) == row.leaf);
        CHECK(e.predict(Eigen::MatrixXd::Constant(4, 1, row.x))(3) == row.leaf);  // compact walk
        CHECK(e.predict(Eigen::MatrixXd::Constant(4, 1, row.x))(0) == row.leaf);
    }
}

TEST_CASE("TreeEnsemble: a missing value takes each node's default direction") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const Compare c : {Compare::double_le, Compare::float32_le, Compare::float32_lt}) {
        Eigen::MatrixXd X(2, 1);
        X << nan, 0.0;
        CHECK(stump(0.5, c, true).predict(X)(0) == 1.0);
        CHECK(stump(0.5, c, false).predict(X)(0) == 2.0);
        CHECK(stump(0.5, c, true).predict_one(X.row(0)) == 1.0);
        CHECK(stump(0.5, c, false).predict_one(X.row(0)) == 2.0);
    }
    const TreeEnsemble b = fixtures::ensemble_boosted_binary();
    Eigen::RowVectorXd x(3);
    x << nan, nan, nan;
    // tree 0: x2 missing, default left -> -0.375; tree 1: x0 missing, default right -> node 2
    // (leaf 0.125); tree 2: a lone leaf 0.03125. Base -0.5. (All sums exact in float32.)
    double s = 0;
    b.decision_function_one(x, &s, 1);
    CHECK(s == -0.5 - 0.375 + 0.125 + 0.03125);
    // With x0 present and below -1.5, tree 1 goes left to x1 (missing, default left): -0.0625.
    x(0) = -2;
    b.decision_function_one(x, &s, 1);
    CHECK(s == -0.5 - 0.375 - 0.0625 + 0.03125);
}

TEST_CASE("TreeEnsemble: scores add in tree order with the ensemble's rounding") {
    // float32: 1 + 2^-24 rounds to 1 (half to even), twice; double keeps both.
    TreeEnsemble e = stump(0.5, Compare::float32_lt);
    e.tree_offsets.resize(3);
    e.tree_offsets << 0, 3, 6;
    e.tree_output.setZero(2);
    fixtures::ensemble_nodes(e, {1, -1, -1, 1, -1, -1}, {2, -1, -1, 2, -1, -1},
                             {0, -2, -2, 0, -2, -2}, {0.5, -2, -2, 0.5, -2, -2},
                             {0, 0, 0, 0, 0, 0});
    const double u = std::ldexp(1.0, -24);
    e.value.resize(6, 1);
    e.value << 0, u, 0, 0, u, 0;
    e.base_score.setConstant(1, 1.0);
    const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(1, 1);
    e.accumulation = TreeEnsemble::Accumulation::float32;
    REQUIRE_NOTHROW(e.validate());
    CHECK(e.predict(x)(0) == 1.0);
    CHECK(e.predict_one(x.row(0)) == 1.0);
    e.accumulation = TreeEnsemble::Accumulation::float64;
    CHECK(e.predict(x)(0) == 1.0 + 2 * u);
    // Average: (0 + u + u) / 2 + base.
    e.aggregation = TreeEnsemble::Aggregation::average;
    CHECK(e.predict(x)(0) == u + 1.0);
    // Sum in tree order, from the base: (1e16 + 1) + 1 = 1e16 in double, not 1e16 + 2.
    e.value << 0, 1, 0, 0, 1, 0;
    e.base_score.setConstant(1, 1e16);
    e.aggregation = TreeEnsemble::Aggregation::sum;
    CHECK(e.predict(x)(0) == 1e16);
}

TEST_CASE("TreeEnsemble: links and labels") {
    const TreeEnsemble f = fixtures::ensemble_forest();
    REQUIRE_NOTHROW(f.validate());
    Eigen::MatrixXd X(3, 2);
    X << -3, 0, 0, 0.5, 0, 1;
    // Row 0: tree 0 x1 <= 0.5 -> leaf 1 [1,0,0]; tree 1 x0 <= 0.1 -> leaf 6 [0.1,0.2,0.7].
    // Row 1: x1 = 0.5 -> leaf 1; x0 = 0 <= 0.1 -> leaf 6.
    // Row 2: x1 = 1 -> node 2: x0 = 0 > -2 -> leaf 4 [0,0.5,0.5]; leaf 6.
    const Eigen::MatrixXd P = f.predict_proba(X);
    CHECK(P(0, 0) == (1 + 0.1) / 2);
    CHECK(P(0, 2) == (0 + 0.7) / 2);
    CHECK(P(2, 1) == (0.5 + 0.2) / 2);
    CHECK(P(2, 2) == (0.5 + 0.7) / 2);
    const Eigen::VectorXd y = f.predict(X);
    CHECK(y(0) == -1.0);  // class 0: 0.55
    CHECK(y(2) == 2.5);   // class 2: 0.6
    const brine::IndexMatrix leaves = f.apply(X);
    CHECK(leaves(0, 0) == 1);
    CHECK(leaves(2, 0) == 4);
    CHECK(leaves(2, 1) == 1);

    const TreeEnsemble b = fixtures::ensemble_boosted_binary();
    Eigen::RowVectorXd x(3);
    x << 0, 0, 0;  // tree 0: x2 = 0 < 0.25 -> -0.375; tree 1: x0 = 0 >= -1.5 -> 0.125; +0.03125
    double s = 0;
    b.decision_function_one(x, &s, 1);
    const auto want = static_cast<double>(-0.5f + -0.375f + 0.125f + 0.03125f);
    CHECK(s == want);
    std::array<double, 2> p{};
    b.predict_proba_one(x, p);
    CHECK(p[1] == 1.0 / (1.0 + std::exp(-want)));
    CHECK(p[0] == 1.0 - p[1]);
    CHECK(b.predict_one(x) == 0.0);  // p[1] < 0.5

    // Softmax over three scores, one tree per class.
    TreeEnsemble m = stump(0.0, Compare::double_le);
    m.task = TreeEnsemble::Task::classification;
    m.link = TreeEnsemble::Link::softmax;
    m.tree_offsets.resize(4);
    m.tree_offsets << 0, 1, 2, 3;
    m.tree_output.resize(3);
    m.tree_output << 0, 1, 2;
    fixtures::ensemble_nodes(m, {-1, -1, -1}, {-1, -1, -1}, {-2, -2, -2}, {-2, -2, -2}, {0, 0, 0});
    m.value.resize(3, 1);
    m.value << 1, 2, 3;
    m.base_score = fixtures::vec({0, 0, -1});
    m.classes = fixtures::vec({0, 1, 2});
    REQUIRE_NOTHROW(m.validate());
    const Eigen::MatrixXd Q = m.predict_proba(Eigen::MatrixXd::Zero(1, 1));
    const double z = std::exp(1.0) + std::exp(2.0) + std::exp(2.0);
    CHECK_THAT(Q(0, 0), WithinRel(std::exp(1.0) / z, 1e-15));
    CHECK(Q(0, 1) == Q(0, 2));
    CHECK(m.predict_one(Eigen::RowVectorXd::Zero(1)) == 1.0);  // first of the tied largest
}

TEST_CASE("TreeEnsemble: the batch's checked and unchecked walks agree with the single-row path") {
    const TreeEnsemble b = fixtures::ensemble_boosted_binary();
    Eigen::MatrixXd X(300, 3);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        X(i, 0) = -3 + 0.02 * static_cast<double>(i);
        X(i, 1) = 5 - 0.03 * static_cast<double>(i);
        X(i, 2) = (i % 7 == 0) ? std::numeric_limits<double>::quiet_NaN()
                               : 0.001 * static_cast<double>(i);
    }
    const Eigen::MatrixXd S = b.decision_function(X);              // 300 rows: nodes checked once
    const Eigen::MatrixXd S1 = b.decision_function(X.topRows(0));  // empty
    CHECK(S1.rows() == 0);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        double s = 0;
        b.decision_function_one(X.row(i), &s, 1);
        CHECK(s == S(i, 0));
        CHECK(b.decision_function(X.middleRows(i, 1))(0, 0) == S(i, 0));  // 1 row: checked walk
    }
}

TEST_CASE("TreeEnsemble: prediction calls check their inputs and outputs") {
    const TreeEnsemble f = fixtures::ensemble_forest();
    const TreeEnsemble r = fixtures::ensemble_regressor();
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 3);
    BRINE_CHECK_THROWS_CODE(f.predict(X), Errc::shape_mismatch,
                            "TreeEnsemble expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(f.predict_one(X.row(0)), Errc::shape_mismatch,
                            "TreeEnsemble expects 2 feature columns, got 3");
    X = Eigen::MatrixXd::Zero(2, 2);
    X(1, 1) = -std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(
        f.predict_proba(X), Errc::invalid_input,
        "TreeEnsemble: input row 1, column 1 is -infinity; TreeEnsemble takes finite values and "
        "NaN (kept as missing), not infinities");
    BRINE_CHECK_THROWS_CODE(f.predict_one(X.row(1)), Errc::invalid_input,
                            "input column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(r.predict_proba(X.topRows(1)), Errc::invalid_argument,
                            "predict_proba needs a classifier; this TreeEnsemble is a regressor");
    std::array<double, 2> small{};
    BRINE_CHECK_THROWS_CODE(f.predict_proba_one(X.row(0), small), Errc::shape_mismatch,
                            "TreeEnsemble::predict_proba_one writes 3 values, the output buffer "
                            "holds 2");
    BRINE_CHECK_THROWS_CODE(f.decision_function_one(X.row(0), small.data(), 2),
                            Errc::shape_mismatch,
                            "TreeEnsemble::decision_function_one writes 3 values");
}

/// Applies `change` to a copy of `base` and checks that validate() refuses it with `message`,
/// and that prediction either refuses it (Errc::invalid_model) or stays in bounds.
template <class Change>
void check_refused(const TreeEnsemble& base, Change change, const std::string& message) {
    TreeEnsemble e = base;
    change(e);
    INFO(message);
    BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model, message);
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(100, std::max<Eigen::Index>(e.n_features(), 1));
    try {
        (void)e.decision_function(X);
        (void)e.decision_function(X.topRows(1));
        std::vector<double> out(static_cast<std::size_t>(std::max<Eigen::Index>(e.n_scores(), 1)));
        if (e.n_features() == X.cols())
            e.decision_function_one(X.row(0), out.data(), static_cast<Eigen::Index>(out.size()));
    } catch (const brine::Error& err) {
        CHECK((err.code() == Errc::invalid_model || err.code() == Errc::shape_mismatch));
    }
}

TEST_CASE("TreeEnsemble::validate refuses every broken invariant, naming it") {
    const TreeEnsemble f = fixtures::ensemble_forest();
    const TreeEnsemble b = fixtures::ensemble_boosted_binary();
    REQUIRE_NOTHROW(b.validate());
    REQUIRE_NOTHROW(fixtures::ensemble_regressor().validate());
    check_refused(
        f, [](TreeEnsemble& e) { e.task = static_cast<TreeEnsemble::Task>(5); }, "unknown task 5");
    check_refused(
        f, [](TreeEnsemble& e) { e.compare = static_cast<Compare>(3); }, "unknown compare 3");
    check_refused(
        f, [](TreeEnsemble& e) { e.link = static_cast<TreeEnsemble::Link>(9); }, "unknown link 9");
    check_refused(
        f, [](TreeEnsemble& e) { e.aggregation = static_cast<TreeEnsemble::Aggregation>(2); },
        "unknown aggregation 2");
    check_refused(
        f, [](TreeEnsemble& e) { e.accumulation = static_cast<TreeEnsemble::Accumulation>(2); },
        "unknown accumulation 2");
    check_refused(
        f, [](TreeEnsemble& e) { e.n_features_in = 0; }, "n_features must be >= 1, is 0");
    check_refused(
        f, [](TreeEnsemble& e) { e.tree_offsets.resize(1); }, "has no trees");
    check_refused(
        f, [](TreeEnsemble& e) { e.tree_offsets(0) = 1; }, "tree_offsets[0] is 1, not 0");
    check_refused(
        f, [](TreeEnsemble& e) { e.tree_offsets(1) = 0; },
        "tree_offsets must be strictly increasing, but tree_offsets[1] <= tree_offsets[0]");
    check_refused(
        f, [](TreeEnsemble& e) { e.tree_offsets(2) = 7; },
        "the trees end at node 7, the node arrays hold 8 nodes");
    check_refused(
        f, [](TreeEnsemble& e) { e.threshold.resize(7); }, "threshold has 7 entries for 8 nodes");
    check_refused(
        f, [](TreeEnsemble& e) { e.default_left.resize(9); },
        "default_left has 9 entries for 8 nodes");
    check_refused(
        f, [](TreeEnsemble& e) { e.value.conservativeResize(8, 4); },
        "leaves hold 4 values but there are 3 scores");
    check_refused(
        f, [](TreeEnsemble& e) { e.tree_output(1) = 1; },
        "tree 1 adds to scores [1, 4), there are 3");
    check_refused(
        f, [](TreeEnsemble& e) { e.tree_output.resize(1); },
        "tree_output has 1 entries for 2 trees");
    check_refused(
        f, [](TreeEnsemble& e) { e.classes.resize(1); },
        "a classifier needs at least 2 classes, has 1");
    check_refused(
        f, [](TreeEnsemble& e) { e.classes(2) = 0; },
        "classes must be strictly increasing, but classes[2] <= classes[1]");
    check_refused(
        f, [](TreeEnsemble& e) { e.link = TreeEnsemble::Link::logistic; },
        "a logistic link needs 2 classes and 1 score, has 3 classes and 3 scores");
    check_refused(
        f, [](TreeEnsemble& e) { e.children_left(2) = 9; },
        "tree 0, node 2 has child 9; children must be in (2, 5)");
    check_refused(
        f, [](TreeEnsemble& e) { e.children_right(5) = 0; },
        "tree 1, node 0 has child 0; children must be in (0, 3)");
    check_refused(
        f, [](TreeEnsemble& e) { e.children_right(0) = 1; },
        "tree 0, node 0 has node 1 as both children");
    check_refused(
        f, [](TreeEnsemble& e) { e.children_left(3) = 4; },
        "tree 0, node 3 has one child: children_left 4, children_right -1");
    check_refused(
        f, [](TreeEnsemble& e) { e.children_right(0) = 3; },
        "tree 0, node 3 is the child of two nodes");
    check_refused(
        f, [](TreeEnsemble& e) { e.feature(2) = 2; },
        "tree 0, node 2 splits on feature 2, expected 0 <= feature < 2");
    check_refused(
        f, [](TreeEnsemble& e) { e.feature(5) = -1; },
        "tree 1, node 0 splits on feature -1, expected 0 <= feature < 2");
    check_refused(
        f, [](TreeEnsemble& e) { e.threshold(0) = std::nan(""); },
        "tree 0, node 0 has a NaN threshold");
    check_refused(
        f, [](TreeEnsemble& e) { e.default_left(0) = 2; },
        "tree 0, node 0 has default_left 2, expected 0 or 1");
    check_refused(
        f, [](TreeEnsemble& e) { e.value(1, 0) = HUGE_VAL; }, "value[1, 0] is not finite");
    check_refused(
        f, [](TreeEnsemble& e) { e.base_score(0) = std::nan(""); }, "base_score[0] is not finite");
    check_refused(
        b, [](TreeEnsemble& e) { e.threshold(0) = 0.1; },
        "tree 0, node 0 has threshold 0.100000, not a float32 value as compare float32_lt "
        "requires");
    check_refused(
        b, [](TreeEnsemble& e) { e.value(1, 0) = 0.1; },
        "value[1] is not a float32 value, as accumulation float32 requires");
    check_refused(
        b, [](TreeEnsemble& e) { e.base_score(0) = 0.1; },
        "base_score[0] is not a float32 value, as accumulation float32 requires");
    const TreeEnsemble r = fixtures::ensemble_regressor();
    check_refused(
        r,
        [](TreeEnsemble& e) {
            e.classes = fixtures::vec({0, 1});
        },
        "a regressor has no classes");
    check_refused(
        r, [](TreeEnsemble& e) { e.link = TreeEnsemble::Link::softmax; },
        "a regressor has no softmax link");
    check_refused(
        r, [](TreeEnsemble& e) { e.base_score.setZero(2); }, "a regressor has 1 score, this one 2");
    check_refused(
        r, [](TreeEnsemble& e) { e.value.resize(6, 0); }, "value has no columns");
    // A tree whose node 2 has no parent: node 0 -> (1, 3) in a 4-node tree.
    check_refused(
        r,
        [](TreeEnsemble& e) {
            e.tree_offsets << 0, 4, 6;
            fixtures::ensemble_nodes(e, {1, -1, -1, -1, -1, -1}, {3, -1, -1, -1, -1, -1},
                                     {0, -2, -2, -2, -2, -2}, {0.3, -2, -2, -2, -2, -2},
                                     {0, 0, 0, 0, 0, 0});
        },
        "tree 0, node 2 is unreachable (no parent)");
}

/// The stump as a DecisionTree (schema version 2 when it compares in float32 or routes NaN).
brine::DecisionTree stump_tree(double t, Compare c, int missing_left) {
    brine::DecisionTree d;
    d.n_features_in = 1;
    d.children_left.resize(3);
    d.children_left << 1, -1, -1;
    d.children_right.resize(3);
    d.children_right << 2, -1, -1;
    d.feature.resize(3);
    d.feature << 0, -2, -2;
    d.threshold = fixtures::vec({t, -2, -2});
    d.value.resize(3, 1);
    d.value << 0, 1, 2;
    d.compare = c;
    if (missing_left >= 0) {
        d.default_left.setZero(3);
        d.default_left(0) = static_cast<std::uint8_t>(missing_left);
    }
    return d;
}

TEST_CASE("DecisionTree: the compare modes and missing values of schema version 2") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const Compare c : {Compare::double_le, Compare::float32_le, Compare::float32_lt}) {
        for (const double t : {0.5, static_cast<double>(0.1f), -2.75}) {
            const brine::DecisionTree d = stump_tree(t, c, 1);
            REQUIRE_NOTHROW(d.validate());
            CHECK(d.needs_schema_2());
            const std::vector<double> xs = neighbourhood(t);
            Eigen::MatrixXd X(static_cast<Eigen::Index>(xs.size()) + 1, 1);
            for (std::size_t i = 0; i < xs.size(); ++i) X(static_cast<Eigen::Index>(i), 0) = xs[i];
            X(X.rows() - 1, 0) = nan;
            const Eigen::VectorXd y = d.predict(X);
            for (Eigen::Index i = 0; i + 1 < X.rows(); ++i) {
                INFO("compare " << static_cast<int>(c) << ", threshold " << t << ", x " << X(i, 0));
                const double want = expected_left(X(i, 0), t, c) ? 1.0 : 2.0;
                CHECK(y(i) == want);
                CHECK(d.predict_one(X.row(i)) == want);
            }
            CHECK(y(X.rows() - 1) == 1.0);  // missing: default left
            CHECK(stump_tree(t, c, 0).predict_one(X.row(X.rows() - 1)) == 2.0);
        }
    }
    // Without default_left a NaN is refused, as in schema version 1, whatever the compare.
    const brine::DecisionTree v1 = stump_tree(0.5, Compare::double_le, -1);
    CHECK_FALSE(v1.needs_schema_2());
    BRINE_CHECK_THROWS_CODE(v1.predict_one(Eigen::RowVectorXd::Constant(1, nan)),
                            Errc::invalid_input, "input column 0 is NaN");
    BRINE_CHECK_THROWS_CODE(
        stump_tree(0.5, Compare::float32_le, -1).predict(Eigen::MatrixXd::Constant(1, 1, nan)),
        Errc::invalid_input, "input row 0, column 0 is NaN");
    BRINE_CHECK_THROWS_CODE(
        stump_tree(0.5, Compare::float32_le, 1).predict(Eigen::MatrixXd::Constant(1, 1, HUGE_VAL)),
        Errc::invalid_input, "input row 0, column 0 is +infinity");
    // validate: the new fields' rules.
    brine::DecisionTree bad = stump_tree(0.1, Compare::float32_lt, 1);
    BRINE_CHECK_THROWS_CODE(bad.validate(), Errc::invalid_model,
                            "node 0 has threshold 0.100000, not a float32 value as compare "
                            "float32_lt requires");
    bad = stump_tree(0.5, Compare::float32_le, 1);
    bad.default_left(1) = 7;
    BRINE_CHECK_THROWS_CODE(bad.validate(), Errc::invalid_model,
                            "node 1 has default_left 7, expected 0 or 1");
    bad.default_left.resize(2);
    BRINE_CHECK_THROWS_CODE(bad.validate(), Errc::invalid_model,
                            "default_left has 2 entries for 3 nodes");
    BRINE_CHECK_THROWS_CODE(bad.predict_one(Eigen::RowVectorXd::Zero(1)), Errc::invalid_model,
                            "default_left has 2 entries for 3 nodes");
    bad = stump_tree(0.5, static_cast<Compare>(4), 1);
    BRINE_CHECK_THROWS_CODE(bad.validate(), Errc::invalid_model, "unknown compare 4");
}

TEST_CASE("TreeEnsemble is model kind 7 and AnyModel dispatches to it") {
    static_assert(static_cast<int>(brine::ModelKind::tree_ensemble) == 7, "file value");
    static_assert(brine::model_kind_v<TreeEnsemble> == brine::ModelKind::tree_ensemble, "trait");
    CHECK(brine::kind_name(brine::ModelKind::tree_ensemble) == "tree_ensemble");
    const TreeEnsemble f = fixtures::ensemble_forest();
    const brine::AnyModel a(f);
    CHECK(a.kind() == brine::ModelKind::tree_ensemble);
    CHECK(a.is_classifier());
    CHECK(a.n_features() == 2);
    CHECK(a.n_outputs() == 3);
    CHECK(a.n_classes() == 3);
    CHECK(a.class_labels() == f.classes);
    Eigen::MatrixXd X(2, 2);
    X << -3, 0, 0, 1;
    CHECK(a.predict(X) == f.predict(X));
    CHECK(a.predict_proba(X) == f.predict_proba(X));
    CHECK(a.predict_one(X.row(1)) == f.predict(X)(1));
    std::vector<double> p(3);
    a.predict_proba_one(X.row(1), p);
    CHECK(p[2] == f.predict_proba(X)(1, 2));
    const brine::AnyModel r(fixtures::ensemble_regressor());
    CHECK_FALSE(r.is_classifier());
    BRINE_CHECK_THROWS_CODE(r.predict_proba(X), Errc::invalid_argument,
                            "predict_proba needs a classifier");
}

TEST_CASE("TreeEnsemble as a pipeline's estimator: transforms first, missing values kept") {
    const TreeEnsemble f = fixtures::ensemble_forest();
    const brine::Pipeline p({fixtures::min_max_scaler()}, f);
    REQUIRE_NOTHROW(p.validate());
    CHECK(p.is_classifier());
    CHECK(p.n_classes() == 3);
    Eigen::MatrixXd X(3, 2);
    X << -1, 0.2, 0.5, std::numeric_limits<double>::quiet_NaN(), -0.4, 3;
    const Eigen::MatrixXd Z = fixtures::min_max_scaler().transform(X);
    CHECK(p.predict_proba(X) == f.predict_proba(Z));
    CHECK(p.predict(X) == f.predict(Z));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        CHECK(p.predict_one(X.row(i)) == f.predict_one(Z.row(i)));
        std::vector<double> q(3);
        p.predict_proba_one(X.row(i), q);
        CHECK(q[1] == f.predict_proba(Z)(i, 1));
    }
    X(0, 0) = HUGE_VAL;
    BRINE_CHECK_THROWS_CODE(p.predict(X), Errc::invalid_input, "Pipeline: input row 0, column 0");
    BRINE_CHECK_THROWS_CODE(p.predict_one(X.row(0)), Errc::invalid_input,
                            "Pipeline: input column 0 is +infinity");
}

/// A boosted ensemble of `trees` complete trees of depth 4 over 6 features, of which feature 5 is
/// never read, with thresholds and leaves from a fixed linear congruential stream: enough nodes
/// (31 per tree) that small batches take the checked walk and large ones the flat layout.
TreeEnsemble random_ensemble(Compare c, TreeEnsemble::Accumulation acc, int trees) {
    TreeEnsemble e;
    e.n_features_in = 6;
    e.compare = c;
    e.accumulation = acc;
    const Eigen::Index per = 31, n = per * trees;
    e.tree_offsets.resize(trees + 1);
    e.tree_output.setZero(trees);
    e.children_left.resize(n);
    e.children_right.resize(n);
    e.feature.resize(n);
    e.threshold.resize(n);
    e.default_left.resize(n);
    e.value.resize(n, 1);
    std::uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    for (int t = 0; t <= trees; ++t) e.tree_offsets(t) = static_cast<std::int32_t>(t * per);
    for (Eigen::Index g = 0; g < n; ++g) {
        const auto i = static_cast<std::int32_t>(g % per);
        const bool split = i < per / 2;
        e.children_left(g) = split ? 2 * i + 1 : -1;
        e.children_right(g) = split ? 2 * i + 2 : -1;
        e.feature(g) = split ? static_cast<std::int32_t>(next() * 5) : -2;
        const double t = 4 * next() - 2;
        e.threshold(g) =
            split ? (c == Compare::float32_lt ? static_cast<double>(static_cast<float>(t)) : t)
                  : -2;
        e.default_left(g) = next() < 0.5 ? 1 : 0;
        const double v = split ? 0.0 : next() - 0.5;
        e.value(g, 0) = acc == TreeEnsemble::Accumulation::float32
                            ? static_cast<double>(static_cast<float>(v))
                            : v;
    }
    e.base_score = fixtures::vec({0.25});
    return e;
}

/// Rows on and next to the thresholds' range, every 11th value of the read columns NaN.
Eigen::MatrixXd random_rows(Eigen::Index rows) {
    Eigen::MatrixXd X(rows, 6);
    for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index j = 0; j < 6; ++j) {
            X(i, j) = std::sin(static_cast<double>(i * 7 + j * 3)) * 2.5;
            if ((i * 6 + j) % 11 == 0 && j < 5) X(i, j) = std::numeric_limits<double>::quiet_NaN();
        }
    }
    return X;
}

TEST_CASE(
    "TreeEnsemble: the flat batch walk, the checked walk, threads and the single-row path agree") {
    for (const Compare c : {Compare::double_le, Compare::float32_le, Compare::float32_lt}) {
        for (const auto acc :
             {TreeEnsemble::Accumulation::float64, TreeEnsemble::Accumulation::float32}) {
            const TreeEnsemble e = random_ensemble(c, acc, 20);  // 620 nodes
            REQUIRE_NOTHROW(e.validate());
            const Eigen::MatrixXd X = random_rows(1000);
            const Eigen::VectorXd y = e.predict(X);  // 1000 rows: the flat layout
            for (const int threads : {2, 3, 16}) {
                TreeEnsemble::PredictOptions o;
                o.threads = threads;
                const Eigen::VectorXd yt = e.predict(X, o);
                CHECK(std::memcmp(yt.data(), y.data(), sizeof(double) * 1000) == 0);
            }
            const brine::RowMatrix R = X;  // read in place through its strides
            std::vector<double> out(1000);
            e.predict(brine::Rows(R), out);
            CHECK(std::memcmp(out.data(), y.data(), sizeof(double) * 1000) == 0);
            const brine::IndexMatrix L = e.apply(X);
            const brine::IndexMatrix L1 = e.apply(X.topRows(30));  // 30 rows: checked walks
            CHECK(L1 == L.topRows(30));
            for (Eigen::Index i = 0; i < X.rows(); i += 7) {
                INFO("compare " << static_cast<int>(c) << ", row " << i);
                CHECK(e.predict_one(X.row(i)) == y(i));
                CHECK(e.predict(X.middleRows(i, 1))(0) == y(i));  // checked walk
                // the leaves reached, against a walk of the node arrays written out here
                for (Eigen::Index t = 0; t < e.n_trees(); ++t) {
                    std::int32_t node = 0;
                    const Eigen::Index first = e.tree_offsets(t);
                    while (e.children_left(first + node) != -1) {
                        const Eigen::Index g = first + node;
                        const double x = X(i, e.feature(g));
                        const bool left = std::isnan(x) ? e.default_left(g) == 1
                                                        : expected_left(x, e.threshold(g), c);
                        node = left ? e.children_left(g) : e.children_right(g);
                    }
                    CHECK(L(i, t) == node);
                }
            }
        }
    }
    TreeEnsemble::PredictOptions none;
    none.threads = 0;
    BRINE_CHECK_THROWS_CODE(
        fixtures::ensemble_regressor().predict(Eigen::MatrixXd::Zero(3, 2), none),
        Errc::invalid_argument, "TreeEnsemble: PredictOptions::threads must be >= 1, is 0");
}

TEST_CASE("TreeEnsemble: only the columns the trees read are checked for infinities") {
    const TreeEnsemble e =
        random_ensemble(Compare::float32_lt, TreeEnsemble::Accumulation::float32, 20);
    Eigen::MatrixXd X = random_rows(200);
    const Eigen::VectorXd y = e.predict(X);
    X.col(5).setConstant(HUGE_VAL);  // column 5: no split reads it
    CHECK(e.predict(X) == y);
    CHECK(e.predict(X.topRows(2)) == y.head(2));  // checked walk
    CHECK(e.predict_one(X.row(3)) == y(3));
    X(130, 2) = -HUGE_VAL;
    const std::string message =
        "TreeEnsemble: input row 130, column 2 is -infinity; TreeEnsemble takes finite values and "
        "NaN (kept as missing), not infinities";
    BRINE_CHECK_THROWS_CODE(e.predict(X), Errc::invalid_input, message);
    TreeEnsemble::PredictOptions two;
    two.threads = 2;
    BRINE_CHECK_THROWS_CODE(e.predict(X, two), Errc::invalid_input, message);
    BRINE_CHECK_THROWS_CODE(e.predict(X.middleRows(129, 2)), Errc::invalid_input,
                            "input row 1, column 2 is -infinity");
    BRINE_CHECK_THROWS_CODE(e.predict_one(X.row(130)), Errc::invalid_input,
                            "input column 2 is -infinity");
}

}  // namespace tree_ensemble_test
