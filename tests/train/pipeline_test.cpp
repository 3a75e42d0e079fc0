// Tests of brine::train::pipeline: steps fitted in order, then the estimator on their output.
// SPDX-License-Identifier: MIT
#include "brine/train.hpp"
#include "brine_catch.hpp"

namespace {

Eigen::MatrixXd pipeline_design(Eigen::Index n, Eigen::Index d, unsigned seed) {
    Eigen::MatrixXd X(n, d);
    unsigned state = seed;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < d; ++j) {
            state = state * 1664525u + 1013904223u;
            X(i, j) = static_cast<double>(state >> 8) / static_cast<double>(1u << 24) * 50.0 +
                      3.0 * static_cast<double>(j);
        }
    }
    return X;
}

}  // namespace

TEST_CASE("pipeline fits each step on the previous step's output, then the estimator") {
    const Eigen::MatrixXd X = pipeline_design(120, 3, 31);
    Eigen::VectorXd y(120);
    for (Eigen::Index i = 0; i < 120; ++i)
        y(i) = X(i, 0) + std::sin(static_cast<double>(i)) * 10 > 30 ? 1 : 0;

    namespace bt = brine::train;
    const brine::Pipeline p = bt::pipeline(
        X, y, {bt::MinMaxScalerOptions{}, bt::StandardScalerOptions{}}, bt::LogisticOptions{});
    p.validate();
    REQUIRE(p.steps.size() == 2);
    // The same composition by hand.
    const brine::MinMaxScaler mm = bt::min_max_scaler(X);
    const brine::StandardScaler ss = bt::standard_scaler(mm.transform(X));
    const brine::LogisticRegression lr = bt::logistic_regression(ss.transform(mm.transform(X)), y);
    CHECK(std::get<brine::MinMaxScaler>(p.steps[0]) == mm);
    CHECK(std::get<brine::StandardScaler>(p.steps[1]) == ss);
    CHECK(std::get<brine::LogisticRegression>(p.estimator) == lr);
    CHECK(p.is_classifier());

    // The API of the brief: a scaler, then an estimator fitted on its output.
    const brine::Pipeline q({ss}, bt::logistic_regression(ss.transform(X), y));
    CHECK(q.predict(X).size() == 120);
}

TEST_CASE("pipeline estimator kinds are chosen by the options type") {
    const Eigen::MatrixXd X = pipeline_design(60, 2, 32);
    const Eigen::VectorXd y = X.col(0) * 2.0 - X.col(1);
    namespace bt = brine::train;
    bt::TreeOptions to;
    to.max_depth = 2;

    const brine::Pipeline reg = bt::pipeline(X, y, {}, bt::TreeRegressorOptions{to});
    const auto& tree = std::get<brine::DecisionTree>(reg.estimator);
    CHECK_FALSE(tree.is_classifier());
    CHECK(tree.depth() == 2);
    CHECK(reg.steps.empty());

    const Eigen::VectorXd labels = (y.array() > y.mean()).cast<double>();
    const brine::Pipeline cls =
        bt::pipeline(X, labels, {bt::StandardScalerOptions{}}, bt::TreeClassifierOptions{to});
    CHECK(cls.is_classifier());

    const brine::Pipeline lin =
        bt::pipeline(X, y, {bt::StandardScalerOptions{}}, bt::LinearOptions{});
    CHECK((lin.predict(X) - y).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("pipeline fits alike whether the estimator's kind is chosen at compile or run time") {
    // pipeline(X, y, steps, LogisticOptions{}) compiles only the logistic trainer; the
    // PipelineOptions and EstimatorOptions forms choose at run time. Each estimator kind, with a
    // robust scaler and a max-abs scaler before it, must give the identical pipeline both ways.
    const Eigen::MatrixXd X = pipeline_design(80, 3, 33);
    const Eigen::VectorXd y = X.col(0) - X.col(2) * 0.5;
    const Eigen::VectorXd labels = (y.array() > y.mean()).cast<double>();
    namespace bt = brine::train;
    const std::vector<bt::StepOptions> steps = {bt::RobustScalerOptions{},
                                                bt::MaxAbsScalerOptions{}};
    bt::TreeOptions to;
    to.max_depth = 3;
    const auto both_ways = [&](const Eigen::VectorXd& target, const auto& estimator) {
        const brine::Pipeline typed = bt::pipeline(X, target, steps, estimator);
        const brine::Pipeline from_options =
            bt::pipeline(X, target, bt::PipelineOptions{steps, estimator});
        const brine::Pipeline from_variant =
            bt::pipeline(X, target, steps, bt::EstimatorOptions{estimator});
        REQUIRE(typed.steps.size() == 2);
        CHECK(std::holds_alternative<brine::RobustScaler>(typed.steps[0]));
        CHECK(std::holds_alternative<brine::MaxAbsScaler>(typed.steps[1]));
        CHECK(typed == from_options);
        CHECK(typed == from_variant);
        return typed;
    };
    CHECK(std::holds_alternative<brine::LinearRegression>(
        both_ways(y, bt::LinearOptions{}).estimator));
    CHECK(std::holds_alternative<brine::LogisticRegression>(
        both_ways(labels, bt::LogisticOptions{}).estimator));
    CHECK(both_ways(labels, bt::TreeClassifierOptions{to}).is_classifier());
    CHECK_FALSE(both_ways(y, bt::TreeRegressorOptions{to}).is_classifier());
}

TEST_CASE("PipelineOptions describe the steps and estimator with their options") {
    namespace bt = brine::train;
    bt::LogisticOptions lo;
    lo.C = 0.5;
    const bt::PipelineOptions o{{bt::StandardScalerOptions{}, bt::MinMaxScalerOptions{}}, lo};
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"steps[0]", "standard_scaler"},
        {"steps[1]", "min_max_scaler"},
        {"steps[1].feature_range", "(0, 1)"},
        {"estimator", "logistic_regression"},
        {"estimator.C", "0.5"},
        {"estimator.tol", "1e-08"},
        {"estimator.max_iter", "1000"},
    };
    CHECK(o.describe() == expected);
}
