// The NaN and infinity policy of every model and every prediction call, checked against what
// scikit-learn 1.2 does (tests/data/input_policy/sklearn.csv, written by
// tests/reference/make_input_policy_reference.py).
// SPDX-License-Identifier: MIT
#include <brine/models.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "brine_catch.hpp"
#include "test_data.hpp"

// A named namespace, not an anonymous one: the tests of an area compile together (unity
// batches), and this file's helpers must not meet another file's.
namespace input_policy_test {

using brine::Errc;

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();

Eigen::VectorXd vec2(double a, double b) {
    Eigen::VectorXd v(2);
    v(0) = a;
    v(1) = b;
    return v;
}

// Two-feature models whose parameters keep every output finite for a finite input as large as
// 1e308 in one feature and 1 in the other (|coef| <= 1, scale >= 1 or <= 1 as needed), so that
// "finite" in the record means the same thing here.
brine::LinearRegression linear() { return brine::LinearRegression(vec2(0.5, -0.25), 0.1); }

brine::LogisticRegression logistic_binary() {
    brine::RowMatrix coef(1, 2);
    coef << 0.5, -0.75;
    return brine::LogisticRegression(coef, Eigen::VectorXd::Constant(1, 0.125), vec2(-1, 1));
}

brine::LogisticRegression logistic_multinomial() {
    brine::RowMatrix coef(3, 2);
    coef << 1, 0, 0, 1, -1, -1;
    Eigen::VectorXd b(3), classes(3);
    b << 0, 0.5, -0.5;
    classes << 0, 1, 2;
    return brine::LogisticRegression(coef, b, classes);
}

/// Root: x1 <= 0.5 ? leaf 1 : node 2; node 2: x0 <= -2 ? leaf 3 : leaf 4.
brine::DecisionTree tree(bool classifier) {
    brine::DecisionTree t;
    t.task = classifier ? brine::DecisionTree::Task::classification
                        : brine::DecisionTree::Task::regression;
    t.n_features_in = 2;
    t.children_left.resize(5);
    t.children_right.resize(5);
    t.feature.resize(5);
    t.threshold.resize(5);
    t.children_left << 1, -1, 3, -1, -1;
    t.children_right << 2, -1, 4, -1, -1;
    t.feature << 1, -2, 0, -2, -2;
    t.threshold << 0.5, -2, -2.0, -2, -2;
    if (classifier) {
        t.value.resize(5, 2);
        t.value << 0.5, 0.5, 1, 0, 0.25, 0.75, 0, 1, 0.5, 0.5;
        t.classes = vec2(3, 7);
    } else {
        t.value.resize(5, 1);
        t.value << 2.5, -1, 4, 10, 20;
    }
    return t;
}

brine::StandardScaler standard() { return brine::StandardScaler(vec2(1, -2), vec2(2, 3)); }
brine::MinMaxScaler min_max() { return brine::MinMaxScaler(vec2(0.5, 0.1), vec2(-1, 0.3)); }
brine::Pipeline pipeline() {
    return brine::Pipeline({standard(), min_max()}, logistic_multinomial());
}

brine::AnyModel model_named(const std::string& name) {
    if (name == "linear_regression") return linear();
    if (name == "logistic_binary") return logistic_binary();
    if (name == "logistic_multinomial") return logistic_multinomial();
    if (name == "tree_classifier") return tree(true);
    if (name == "tree_regressor") return tree(false);
    if (name == "standard_scaler") return standard();
    if (name == "min_max_scaler") return min_max();
    if (name == "pipeline") return pipeline();
    FAIL("unknown model " << name);
    return {};
}

double probe_value(const std::string& probe) {
    if (probe == "nan") return nan_v;
    if (probe == "+inf") return inf_v;
    if (probe == "-inf") return -inf_v;
    if (probe == "1e308") return 1e308;
    FAIL("unknown probe " << probe);
    return 0;
}

/// "refused" (Errc::invalid_input whose message names `where`), "nan" or "finite".
std::string outcome(const std::function<Eigen::MatrixXd()>& call, const std::string& where) {
    try {
        const Eigen::MatrixXd out = call();
        if (out.hasNaN()) return "nan";
        return out.allFinite() ? "finite" : "infinite";
    } catch (const brine::Error& e) {
        INFO(e.what());
        CHECK(e.code() == Errc::invalid_input);
        CHECK_THAT(std::string(e.what()), BRINE_CONTAINS(where));
        return "refused";
    }
}

Eigen::MatrixXd one_value(double v) { return Eigen::MatrixXd::Constant(1, 1, v); }

/// Every call of `m` that scikit-learn's `method` corresponds to, on the sample in row 1 of X
/// (rows 0 and 2 are ordinary): the batch call on X, then each single-row call on that row. The
/// refusal must name the row (batch) and the column.
std::vector<std::string> outcomes(const brine::AnyModel& m, const std::string& method,
                                  const Eigen::MatrixXd& X, Eigen::Index column) {
    const std::string batch_where = "input row 1, column " + std::to_string(column) + " is ";
    const std::string one_where = "input column " + std::to_string(column) + " is ";
    const auto x = X.row(1);
    std::vector<std::string> r;
    auto batch = [&](const std::function<Eigen::MatrixXd()>& f) {
        r.push_back(outcome([&] { return Eigen::MatrixXd(f().middleRows(1, 1)); }, batch_where));
    };
    auto one = [&](const std::function<Eigen::MatrixXd()>& f) {
        r.push_back(outcome(f, one_where));
    };
    const auto* lr = m.get_if<brine::LogisticRegression>();
    const auto* t = m.get_if<brine::DecisionTree>();
    const auto* p = m.get_if<brine::Pipeline>();
    if (method == "predict") {
        batch([&] { return Eigen::MatrixXd(m.predict(X)); });
        one([&] { return one_value(m.predict_one(x)); });
        if (const auto* l = m.get_if<brine::LinearRegression>()) {
            batch([&] { return l->predict_targets(X); });
            batch([&] { return Eigen::MatrixXd(l->predict(X)); });
            one([&] { return one_value(l->predict_one(x)); });
        }
        if (lr != nullptr) one([&] { return one_value(lr->predict_one(x)); });
        if (t != nullptr) one([&] { return one_value(t->predict_one(x)); });
        if (p != nullptr) batch([&] { return Eigen::MatrixXd(p->predict(X)); });
    } else if (method == "predict_proba") {
        batch([&] { return m.predict_proba(X); });
        one([&] {
            Eigen::VectorXd out(m.n_classes());
            m.predict_proba_one(x, out);
            return Eigen::MatrixXd(out);
        });
        if (lr != nullptr) batch([&] { return lr->predict_proba(X); });
        if (t != nullptr) batch([&] { return t->predict_proba(X); });
        if (p != nullptr) {
            one([&] {
                std::vector<double> out(static_cast<std::size_t>(p->n_classes()));
                p->predict_proba_one(x, out);
                return Eigen::MatrixXd(Eigen::Map<Eigen::VectorXd>(out.data(), 3));
            });
        }
    } else if (method == "decision_function") {
        batch([&] { return lr->decision_function(X); });
    } else if (method == "apply") {
        batch([&] { return Eigen::MatrixXd(t->apply(X).cast<double>()); });
        one([&] { return one_value(static_cast<double>(t->apply_one(x))); });
    } else if (method == "transform") {
        batch([&] { return m.transform(X); });
        auto transform_one = [&](const auto& s) {
            Eigen::RowVectorXd out(2);
            s.transform_one(x, out);
            return Eigen::MatrixXd(out);
        };
        if (const auto* s = m.get_if<brine::StandardScaler>())
            one([&] { return transform_one(*s); });
        if (const auto* s = m.get_if<brine::MinMaxScaler>()) one([&] { return transform_one(*s); });
    } else {
        FAIL("unknown method " << method);
    }
    return r;
}

TEST_CASE("Every model treats NaN and infinite inputs as scikit-learn 1.2 does",
          "[models][input]") {
    std::ifstream in(test_data::dir() + "/input_policy/sklearn.csv");
    REQUIRE(in);
    std::string line;
    int checked = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("model,", 0) == 0) continue;
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
        REQUIRE(f.size() == 5);
        const std::string &name = f[0], &method = f[1], &probe = f[2], &sklearn = f[4];
        const Eigen::Index column = std::stoi(f[3]);
        INFO(line);
        const brine::AnyModel m = model_named(name);
        Eigen::MatrixXd X = Eigen::MatrixXd::Ones(3, 2);
        X(0, 0) = 0.25;
        X(2, 1) = -0.5;
        X(1, column) = probe_value(probe);
        // The one documented difference: scikit-learn's trees compare in float32 and refuse a
        // finite value beyond its range; brine's compare in double, where 1e308 is a number.
        const bool tree = name.rfind("tree_", 0) == 0;
        const std::string expected = tree && probe == "1e308" ? "finite" : sklearn;
        if (tree && probe == "1e308") CHECK(sklearn == "refused");
        for (const std::string& got : outcomes(m, method, X, column)) CHECK(got == expected);
        ++checked;
    }
    CHECK(checked == 136);
}

TEST_CASE("A refused input names the model, the row, the column and the value", "[models][input]") {
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(600, 2);
    X(517, 1) = -inf_v;
    X(530, 0) = nan_v;
    BRINE_CHECK_THROWS_CODE(linear().predict(X), Errc::invalid_input,
                            "LinearRegression: input row 517, column 1 is -infinity; "
                            "LinearRegression takes finite values only (no NaN or infinity)");
    BRINE_CHECK_THROWS_CODE(tree(true).predict(X), Errc::invalid_input,
                            "DecisionTree: input row 517, column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(logistic_multinomial().predict_proba(X), Errc::invalid_input,
                            "LogisticRegression: input row 517, column 1 is -infinity");
    // In a pipeline the row is the pipeline's own, not the row within a block of its work.
    BRINE_CHECK_THROWS_CODE(pipeline().predict(X), Errc::invalid_input,
                            "Pipeline: input row 517, column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(brine::Pipeline({standard()}, tree(false)).predict(X),
                            Errc::invalid_input, "Pipeline: input row 517, column 1 is -infinity");
    BRINE_CHECK_THROWS_CODE(standard().transform(X), Errc::invalid_input,
                            "StandardScaler: input row 517, column 1 is -infinity; StandardScaler "
                            "takes finite values and NaN (kept as missing), not infinities");
    X(517, 1) = 0.0;
    BRINE_CHECK_THROWS_CODE(pipeline().predict_proba(X), Errc::invalid_input,
                            "Pipeline: input row 530, column 0 is NaN");
    const Eigen::MatrixXd Z = min_max().transform(X);  // NaN stays missing in a transform
    CHECK(std::isnan(Z(530, 0)));
    CHECK(Z(530, 1) == 0.3);
    CHECK(Z(0, 0) == -1.0);
    BRINE_CHECK_THROWS_CODE(pipeline().predict_one(X.row(530)), Errc::invalid_input,
                            "Pipeline: input column 0 is NaN");
}

TEST_CASE("A refused single row writes nothing to the output buffer", "[models][input]") {
    const Eigen::RowVector2d x(nan_v, 1.0);
    std::array<double, 3> out{7, 7, 7};
    CHECK_THROWS_AS(logistic_multinomial().predict_proba_one(x, out), brine::Error);
    CHECK_THROWS_AS(tree(true).predict_proba_one(x, out), brine::Error);
    CHECK_THROWS_AS(pipeline().predict_proba_one(x, out), brine::Error);
    const Eigen::RowVector2d y(inf_v, 1.0);
    CHECK_THROWS_AS(standard().transform_one(y, out), brine::Error);
    CHECK(out == (std::array<double, 3>{7, 7, 7}));
}

TEST_CASE("Finite inputs whose outputs overflow are answered, as in scikit-learn",
          "[models][input]") {
    // Only a NaN or an infinite input is refused: these inputs are finite, the arithmetic is not.
    const brine::LinearRegression big(vec2(1e300, 1e300), 0.0);
    Eigen::MatrixXd X(2, 2);
    X << 1e10, 1.0, -1e10, 1.0;
    const Eigen::VectorXd y = big.predict(X);
    CHECK(y(0) == inf_v);
    CHECK(y(1) == -inf_v);
    CHECK(big.predict_one(X.row(1)) == -inf_v);
    const brine::StandardScaler tiny(vec2(0, 0), vec2(1e-300, 1));
    const Eigen::MatrixXd Z = tiny.transform(X);
    CHECK(Z(0, 0) == inf_v);
    CHECK(Z(1, 0) == -inf_v);
}

}  // namespace input_policy_test
