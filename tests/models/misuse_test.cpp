// No sequence of public calls on a model reads or writes out of bounds: parameters changed after
// construction are caught at the next prediction, outputs go only into buffers of a known size, and
// every model says how many features, outputs and classes it has.
// SPDX-License-Identifier: MIT
#include <brine/models.hpp>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "brine_catch.hpp"
#include "model_fixtures.hpp"

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace misuse_test {

using brine::Errc;

/// Where the calls below may write (never, for the models they get).
double out[64];

/// Every prediction call of a model on rows of the right width. Each one must throw
/// Errc::invalid_model naming `text` when the model's fields disagree.
template <class Model>
std::vector<std::function<void()>> every_call(const Model& m, Eigen::Index width) {
    const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(3, width, 0.5);
    std::vector<std::function<void()>> calls;
    if constexpr (std::is_same_v<Model, brine::StandardScaler> ||
                  std::is_same_v<Model, brine::MinMaxScaler>) {
        calls.push_back([&m, X] { (void)m.transform(X); });
        calls.push_back([&m, X] { m.transform_one(X.row(0), out, 64); });
    } else if constexpr (std::is_same_v<Model, brine::LinearRegression>) {
        calls.push_back([&m, X] { (void)m.predict_targets(X); });
        calls.push_back([&m, X] { (void)m.predict(X); });
        calls.push_back([&m, X] { (void)m.predict_one(X.row(0)); });
    } else {
        calls.push_back([&m, X] { (void)m.predict(X); });
        calls.push_back([&m, X] { (void)m.predict_one(X.row(0)); });
        calls.push_back([&m, X] { (void)m.predict_proba(X); });
        calls.push_back([&m, X] { m.predict_proba_one(X.row(0), out, 64); });
        if constexpr (std::is_same_v<Model, brine::LogisticRegression>)
            calls.push_back([&m, X] { (void)m.decision_function(X); });
        if constexpr (std::is_same_v<Model, brine::DecisionTree>) {
            calls.push_back([&m, X] { (void)m.apply(X); });
            calls.push_back([&m, X] { (void)m.apply_one(X.row(0)); });
        }
    }
    return calls;
}

template <class Model>
void check_every_call_refuses(const Model& m, Eigen::Index width, const std::string& text) {
    CAPTURE(text);
    BRINE_CHECK_THROWS_CODE(m.validate(), Errc::invalid_model, text);
    for (const auto& call : every_call(m, width))
        BRINE_CHECK_THROWS_CODE(call(), Errc::invalid_model, text);
}

TEST_CASE("Changing a model's public fields after construction cannot make it read out of bounds",
          "[models][misuse]") {
    SECTION("LinearRegression") {
        brine::LinearRegression m = fixtures::linear_multi();
        m.intercept.resize(5);
        check_every_call_refuses(m, 3, "intercept has 5 entries for 2 targets");
        m = fixtures::linear();
        m.intercept.resize(0);
        check_every_call_refuses(m, 3, "intercept has 0 entries for 1 targets");
        m.coef.resize(0, 3);
        check_every_call_refuses(m, 3, "coef must be at least 1 x 1, is 0 x 3");
    }
    SECTION("LogisticRegression") {
        brine::LogisticRegression m = fixtures::logistic_multi();
        m.classes.resize(7);
        m.classes << 0, 1, 2, 3, 4, 5, 6;  // 7 classes for 3 rows of coef
        check_every_call_refuses(m, 2, "coef is 3 x 2, expected 7 x n_features");
        m = fixtures::logistic_binary();
        m.intercept.resize(0);
        check_every_call_refuses(m, 2, "intercept has 0 entries, expected 1");
        m = fixtures::logistic_binary();
        m.classes.resize(1);
        check_every_call_refuses(m, 2, "needs at least 2 classes, has 1");
    }
    SECTION("DecisionTree: array lengths") {
        brine::DecisionTree t = fixtures::tree_classifier();
        t.threshold.resize(2);
        check_every_call_refuses(t, 2, "threshold has 2 entries for 5 nodes");
        t = fixtures::tree_classifier();
        t.value.resize(3, 2);
        check_every_call_refuses(t, 2, "value has 3 rows for 5 nodes");
        t = fixtures::tree_classifier();
        t.classes.resize(3);
        t.classes << 1, 2, 3;
        check_every_call_refuses(t, 2, "value has 2 columns for 3 classes");
        t = fixtures::tree_classifier();
        t.task = static_cast<brine::DecisionTree::Task>(9);
        check_every_call_refuses(t, 2, "unknown task 9");
    }
    SECTION("DecisionTree: indices met on the walk") {
        // The root splits on feature 1; the rows (0.5, 0.5) go left, to the changed child.
        brine::DecisionTree t = fixtures::tree_classifier();
        t.children_left(0) = 99;
        check_every_call_refuses(t, 2, "node 0 has child 99; children must be in (0, 5)");
        BRINE_CHECK_THROWS_CODE(t.depth(), Errc::invalid_model, "node 0 has child 99");
        t = fixtures::tree_classifier();
        t.children_left(0) = 0;  // a cycle onto itself
        check_every_call_refuses(t, 2, "node 0 has child 0");
        BRINE_CHECK_THROWS_CODE(t.depth(), Errc::invalid_model, "node 0 has child 0");
        t = fixtures::tree_classifier();
        t.children_left(0) = -7;
        check_every_call_refuses(t, 2, "node 0 has child -7");
        BRINE_CHECK_THROWS_CODE(t.depth(), Errc::invalid_model, "node 0 has child -7");
        t = fixtures::tree_classifier();
        t.feature(0) = 2;  // n_features is 2
        check_every_call_refuses(t, 2, "node 0 splits on feature 2, expected 0 <= feature < 2");
        t = fixtures::tree_classifier();
        t.feature(0) = -3;
        check_every_call_refuses(t, 2, "node 0 splits on feature -3");
        t = fixtures::tree_classifier();
        t.n_features_in = 1;  // feature 1 is now out of range; the input is one column wide
        check_every_call_refuses(t, 1, "node 0 splits on feature 1, expected 0 <= feature < 1");
    }
    SECTION("Scalers") {
        brine::StandardScaler s = fixtures::standard_scaler();
        s.scale.resize(1);
        check_every_call_refuses(s, 2, "scale has 1 entries, mean has 2");
        brine::MinMaxScaler mm = fixtures::min_max_scaler();
        mm.min.resize(9);
        check_every_call_refuses(mm, 2, "min has 9 entries, scale has 2");
    }
    SECTION("Pipeline: a part changed in place") {
        brine::Pipeline p = fixtures::pipeline_classifier();
        std::get<brine::StandardScaler>(p.steps[0]).scale.resize(1);
        const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(2, 2);
        double out[3];
        BRINE_CHECK_THROWS_CODE(p.predict(X), Errc::invalid_model, "scale has 1 entries");
        BRINE_CHECK_THROWS_CODE(p.predict_one(X.row(0)), Errc::invalid_model, "scale has 1");
        BRINE_CHECK_THROWS_CODE(p.predict_proba_one(X.row(0), out, 3), Errc::invalid_model,
                                "scale has 1");
        p = fixtures::pipeline_classifier();
        std::get<brine::LogisticRegression>(p.estimator).classes.resize(9);
        BRINE_CHECK_THROWS_CODE(p.predict_proba(X), Errc::invalid_model, "expected 9 x");
        BRINE_CHECK_THROWS_CODE(p.predict_proba_one(X.row(0), out, 3), Errc::shape_mismatch,
                                "writes 9 values, the output buffer holds 3");
    }
}

TEST_CASE("A tree walk of a tree that never validated still ends, in bounds", "[models][misuse]") {
    // Node 2 is the child of two nodes and node 4 has no parent: validate() refuses, but every
    // walk goes forward through the arrays and ends at a leaf.
    brine::DecisionTree t = fixtures::tree_classifier();
    t.children_right(0) = 1;
    t.children_left(0) = 2;
    t.children_right(2) = 3;
    BRINE_CHECK_THROWS_CODE(t.validate(), Errc::invalid_model, "");
    Eigen::MatrixXd X(2, 2);
    X << 0, 0, -5, 9;
    CHECK(t.apply(X)(0) == 3);          // x1 <= 0.5: node 2, then x0 > -2: node 3
    CHECK(t.apply_one(X.row(1)) == 1);  // x1 > 0.5: node 1, a leaf
    CHECK(t.depth() == 2);
}

TEST_CASE("predict_proba_one and transform_one write only into a buffer large enough",
          "[models][misuse]") {
    const Eigen::MatrixXd X = fixtures::rows(2);
    const brine::AnyModel models[] = {fixtures::logistic_multi(), fixtures::tree_classifier(),
                                      fixtures::pipeline_classifier(), fixtures::pipeline_tree()};
    for (const brine::AnyModel& m : models) {
        const Eigen::Index k = m.n_classes();
        const Eigen::MatrixXd p = m.predict_proba(X);
        REQUIRE(p.cols() == k);
        // Too small by one: refused before anything is written.
        std::vector<double> small(static_cast<std::size_t>(k - 1), -1.0);
        BRINE_CHECK_THROWS_CODE(m.predict_proba_one(X.row(0), small.data(), k - 1),
                                Errc::shape_mismatch,
                                "predict_proba_one writes " + std::to_string(k) +
                                    " values, the output buffer holds " + std::to_string(k - 1));
        BRINE_CHECK_THROWS_CODE(m.predict_proba_one(X.row(0), small), Errc::shape_mismatch,
                                "the output buffer holds " + std::to_string(k - 1));
        for (double v : small) CHECK(v == -1.0);
        BRINE_CHECK_THROWS_CODE(m.predict_proba_one(X.row(0), small.data(), -1),
                                Errc::shape_mismatch, "the output buffer holds -1");
        // Exactly the size, or larger, in every buffer form.
        std::vector<double> v(static_cast<std::size_t>(k));
        Eigen::VectorXd e(k + 2);
        e.setConstant(-1.0);
        std::array<double, 5> a{};
        Eigen::RowVectorXd r(k);
        m.predict_proba_one(X.row(1), v);
        m.predict_proba_one(X.row(1), e);
        m.predict_proba_one(X.row(1), a);
        m.predict_proba_one(X.row(1), r);
        Eigen::Map<Eigen::VectorXd> map(a.data(), k);
        m.predict_proba_one(X.row(1), map);
        for (Eigen::Index j = 0; j < k; ++j) {
            CHECK_THAT(v[static_cast<std::size_t>(j)], WithinAbs(p(1, j), 1e-15));
            CHECK(e(j) == v[static_cast<std::size_t>(j)]);
            CHECK(a[static_cast<std::size_t>(j)] == v[static_cast<std::size_t>(j)]);
            CHECK(r(j) == v[static_cast<std::size_t>(j)]);
        }
        CHECK(e(k) == -1.0);  // nothing past n_classes
        CHECK(e(k + 1) == -1.0);
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
        // The deprecated unsized form still works for a buffer of n_classes.
        std::vector<double> old(static_cast<std::size_t>(k));
        m.predict_proba_one(X.row(1), old.data());
        CHECK(old == v);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    }
    const brine::StandardScaler s = fixtures::standard_scaler();
    double one[1] = {-1.0};
    BRINE_CHECK_THROWS_CODE(s.transform_one(X.row(0), one, 1), Errc::shape_mismatch,
                            "StandardScaler::transform_one writes 2 values, the output buffer "
                            "holds 1");
    CHECK(one[0] == -1.0);
    std::array<double, 1> one_a{};
    BRINE_CHECK_THROWS_CODE(fixtures::min_max_scaler().transform_one(X.row(0), one_a),
                            Errc::shape_mismatch, "MinMaxScaler::transform_one writes 2 values");
    std::vector<double> two(2);
    s.transform_one(X.row(0), two);
    CHECK(two[0] == (X(0, 0) - 1) / 0.5);
    CHECK(two[1] == (X(0, 1) + 2) / 3);
}

TEST_CASE("Every model says how many features, outputs and classes it has", "[models][misuse]") {
    struct Expect {
        brine::AnyModel model;
        Eigen::Index features, outputs, classes;
        std::vector<double> labels;
    };
    // Counted by hand from tests/support/model_fixtures.hpp.
    const Expect cases[] = {
        {fixtures::linear(), 3, 1, 0, {}},
        {fixtures::linear_multi(), 3, 2, 0, {}},
        {fixtures::logistic_binary(), 2, 2, 2, {-1, 1}},
        {fixtures::logistic_multi(), 2, 3, 3, {0, 1, 2}},
        {fixtures::tree_classifier(), 2, 2, 2, {3, 7}},
        {fixtures::tree_regressor(), 1, 1, 0, {}},
        {fixtures::standard_scaler(), 2, 2, 0, {}},
        {fixtures::min_max_scaler(), 2, 2, 0, {}},
        {fixtures::pipeline_classifier(), 2, 3, 3, {0, 1, 2}},
        {fixtures::pipeline_tree(), 2, 2, 2, {3, 7}},
        {brine::Pipeline({fixtures::standard_scaler()}, fixtures::linear_multi()), 2, 2, 0, {}},
    };
    for (const Expect& c : cases) {
        CAPTURE(brine::kind_name(c.model.kind()));
        CHECK(c.model.n_features() == c.features);
        CHECK(c.model.n_outputs() == c.outputs);
        CHECK(c.model.n_classes() == c.classes);
        const Eigen::VectorXd& labels = c.model.class_labels();
        REQUIRE(labels.size() == static_cast<Eigen::Index>(c.labels.size()));
        for (Eigen::Index k = 0; k < labels.size(); ++k)
            CHECK(labels(k) == c.labels[static_cast<std::size_t>(k)]);
        // The same answers from the model itself.
        std::visit(
            [&](const auto& m) {
                CHECK(m.n_features() == c.features);
                CHECK(m.n_outputs() == c.outputs);
                CHECK(m.n_classes() == c.classes);
                CHECK(m.class_labels().size() == labels.size());
            },
            c.model.variant());
        // n_outputs is the width of the model's main output.
        const Eigen::MatrixXd X = fixtures::rows(c.features);
        if (c.classes > 0) {
            CHECK(c.model.predict_proba(X).cols() == c.outputs);
        } else if (c.model.kind() == brine::ModelKind::standard_scaler ||
                   c.model.kind() == brine::ModelKind::min_max_scaler) {
            CHECK(c.model.transform(X).cols() == c.outputs);
        }
    }
}

TEST_CASE("A batch checks tree indices whether it checks them up front or step by step",
          "[models][misuse]") {
    // A chain of 201 nodes: node 2k splits on feature 0 at 0, left to leaf 2k + 1, right to 2k + 2.
    brine::DecisionTree t;
    t.task = brine::DecisionTree::Task::regression;
    t.n_features_in = 1;
    const int n = 201;
    t.children_left.resize(n);
    t.children_right.resize(n);
    t.feature.resize(n);
    t.threshold.resize(n);
    t.value.resize(n, 1);
    for (int i = 0; i < n; ++i) {
        const bool split = i % 2 == 0 && i + 2 < n;
        t.children_left(i) = split ? i + 1 : -1;
        t.children_right(i) = split ? i + 2 : -1;
        t.feature(i) = split ? 0 : -2;
        t.threshold(i) = split ? 0.0 : -2;
        t.value(i, 0) = i;
    }
    t.validate();
    t.children_right(198) = 3;  // backwards: met only by a sample that goes right 100 times
    const Eigen::MatrixXd few = Eigen::MatrixXd::Constant(2, 1, 1.0);    // 2 x 16 < 201: per step
    const Eigen::MatrixXd many = Eigen::MatrixXd::Constant(20, 1, 1.0);  // 20 x 16 >= 201: up front
    const Eigen::MatrixXd left = Eigen::MatrixXd::Constant(2, 1, -1.0);  // never reaches node 198
    BRINE_CHECK_THROWS_CODE(t.predict(few), Errc::invalid_model, "node 198 has child 3");
    BRINE_CHECK_THROWS_CODE(t.predict(many), Errc::invalid_model, "node 198 has child 3");
    BRINE_CHECK_THROWS_CODE(t.predict_one(few.row(0)), Errc::invalid_model, "node 198 has child 3");
    CHECK(t.predict(left)(0) == 1.0);  // the per-step walk only checks the nodes it meets
}

}  // namespace misuse_test
