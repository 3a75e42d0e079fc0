// Tests of brine::AnyModel: kinds, dispatch, and the errors for operations a kind does not have.
// SPDX-License-Identifier: MIT
#include "brine/models/any_model.hpp"

#include <cmath>
#include <iterator>
#include <utility>
#include <variant>

#include "brine_catch.hpp"

namespace {

constexpr std::int32_t any_leaf = brine::DecisionTree::leaf;

brine::LinearRegression linear() { return brine::LinearRegression(Eigen::Vector2d(2, -1), 0.5); }
brine::StandardScaler any_standard() {
    return brine::StandardScaler(Eigen::Vector2d(1, -2), Eigen::Vector2d(2, 0.5));
}
brine::MinMaxScaler any_min_max() {
    return brine::MinMaxScaler(Eigen::Vector2d(0.5, 2), Eigen::Vector2d(-1, 0.25));
}

/// Binary: score = x0 - 2 x1 + 0.5, labels 0 and 1.
brine::LogisticRegression any_logistic() {
    brine::RowMatrix coef(1, 2);
    coef << 1.0, -2.0;
    return brine::LogisticRegression(coef, Eigen::VectorXd::Constant(1, 0.5),
                                     Eigen::Vector2d(0, 1));
}

/// Stump on feature 0 at 0: left (1, 0) -> label 0, right (0.25, 0.75) -> label 1; or a regressor
/// with values -1 / 1.
brine::DecisionTree stump(bool classify) {
    brine::DecisionTree t;
    t.task = classify ? brine::DecisionTree::Task::classification
                      : brine::DecisionTree::Task::regression;
    t.n_features_in = 2;
    t.children_left.resize(3);
    t.children_left << 1, any_leaf, any_leaf;
    t.children_right.resize(3);
    t.children_right << 2, any_leaf, any_leaf;
    t.feature.resize(3);
    t.feature << 0, -2, -2;
    t.threshold.resize(3);
    t.threshold << 0.0, -2, -2;
    if (classify) {
        t.value.resize(3, 2);
        t.value << 0.5, 0.5, 1, 0, 0.25, 0.75;
        t.classes = Eigen::Vector2d(0, 1);
    } else {
        t.value.resize(3, 1);
        t.value << 0, -1, 1;
    }
    return t;
}

}  // namespace

TEST_CASE("AnyModel reports the kind it holds", "[models][any]") {
    using brine::ModelKind;
    CHECK(brine::AnyModel(linear()).kind() == ModelKind::linear_regression);
    CHECK(brine::AnyModel(any_logistic()).kind() == ModelKind::logistic_regression);
    CHECK(brine::AnyModel(stump(true)).kind() == ModelKind::decision_tree);
    CHECK(brine::AnyModel(any_standard()).kind() == ModelKind::standard_scaler);
    CHECK(brine::AnyModel(any_min_max()).kind() == ModelKind::min_max_scaler);
    CHECK(brine::AnyModel(brine::Pipeline({any_standard()}, any_logistic())).kind() ==
          ModelKind::pipeline);
    CHECK(brine::AnyModel().kind() == ModelKind::linear_regression);
}

TEST_CASE("Model kinds keep their numbers and names", "[models][any]") {
    using brine::ModelKind;
    // Written into files: these must never change.
    static_assert(static_cast<int>(ModelKind::linear_regression) == 1, "file value");
    static_assert(static_cast<int>(ModelKind::logistic_regression) == 2, "file value");
    static_assert(static_cast<int>(ModelKind::decision_tree) == 3, "file value");
    static_assert(static_cast<int>(ModelKind::standard_scaler) == 4, "file value");
    static_assert(static_cast<int>(ModelKind::min_max_scaler) == 5, "file value");
    static_assert(static_cast<int>(ModelKind::pipeline) == 6, "file value");
    static_assert(brine::model_kind_v<brine::Pipeline> == ModelKind::pipeline, "trait");
    static_assert(brine::model_kind_v<brine::MinMaxScaler> == ModelKind::min_max_scaler, "trait");
    CHECK(brine::kind_name(ModelKind::linear_regression) == "linear_regression");
    CHECK(brine::kind_name(ModelKind::logistic_regression) == "logistic_regression");
    CHECK(brine::kind_name(ModelKind::decision_tree) == "decision_tree");
    CHECK(brine::kind_name(ModelKind::standard_scaler) == "standard_scaler");
    CHECK(brine::kind_name(ModelKind::min_max_scaler) == "min_max_scaler");
    CHECK(brine::kind_name(ModelKind::pipeline) == "pipeline");
    CHECK(brine::kind_name(static_cast<ModelKind>(99)) == "unknown");
}

namespace any_model_registry_test {
template <std::size_t... I>
constexpr bool alternatives_match_kinds(std::index_sequence<I...>) {
    return ((brine::model_kind_v<std::variant_alternative_t<I, brine::AnyModel::Variant>> ==
             brine::all_model_kinds[I]) &&
            ...);
}
}  // namespace any_model_registry_test

TEST_CASE("The kind registry derives one consistent kind per AnyModel alternative",
          "[models][any]") {
    using brine::ModelKind;
    constexpr std::size_t n = std::variant_size_v<brine::AnyModel::Variant>;
    static_assert(std::size(brine::all_model_kinds) == n, "one kind per alternative");
    // Alternative i is the model of the i-th kind; names and numbers are unique and the name
    // round-trips through kind_from_name; every kind has a current schema version >= 1.
    static_assert(any_model_registry_test::alternatives_match_kinds(std::make_index_sequence<n>{}),
                  "alternative i is the model of the i-th kind");
    for (std::size_t i = 0; i < n; ++i) {
        const ModelKind k = brine::all_model_kinds[i];
        ModelKind back{};
        REQUIRE(brine::kind_from_name(brine::kind_name(k), back));
        CHECK(back == k);
        CHECK(brine::current_schema_version(k) >= 1);
        for (std::size_t j = i + 1; j < n; ++j) {
            CHECK(k != brine::all_model_kinds[j]);
            CHECK(brine::kind_name(k) != brine::kind_name(brine::all_model_kinds[j]));
        }
    }
    ModelKind none{};
    CHECK_FALSE(brine::kind_from_name("tree", none));
    CHECK(brine::current_schema_version(static_cast<ModelKind>(99)) == 0);
}

TEST_CASE("AnyModel dispatches predict, predict_one and predict_proba", "[models][any]") {
    Eigen::MatrixXd X(2, 2);
    X << 1, 1,  // linear 1.5, logistic score -0.5, tree right
        -1, 0;  // linear -1.5, logistic score -0.5, tree left
    const brine::AnyModel lin = linear();
    CHECK(lin.n_features() == 2);
    CHECK_FALSE(lin.is_classifier());
    CHECK(lin.predict(X)(0) == 1.5);
    CHECK(lin.predict(X)(1) == -1.5);
    CHECK(lin.predict_one(X.row(1)) == -1.5);

    const brine::AnyModel lr = any_logistic();
    CHECK(lr.is_classifier());
    CHECK(lr.predict(X)(0) == 0.0);
    CHECK_THAT(lr.predict_proba(X)(0, 1), WithinRel(1.0 / (1.0 + std::exp(0.5)), 1e-14));

    const brine::AnyModel tree = stump(true);
    CHECK(tree.is_classifier());
    CHECK(tree.predict(X)(0) == 1.0);
    CHECK(tree.predict_one(X.row(1)) == 0.0);
    CHECK(tree.predict_proba(X)(0, 1) == 0.75);
    double out[2];
    tree.predict_proba_one(X.row(0), out, std::size(out));
    CHECK(out[0] == 0.25);
    CHECK(out[1] == 0.75);
    lr.predict_proba_one(X.row(0), out, std::size(out));
    CHECK_THAT(out[1], WithinRel(1.0 / (1.0 + std::exp(0.5)), 1e-14));
    CHECK_FALSE(brine::AnyModel(stump(false)).is_classifier());

    const brine::AnyModel pipe = brine::Pipeline({any_standard()}, stump(true));
    CHECK(pipe.is_classifier());
    CHECK(pipe.n_features() == 2);
    // scaled x0: (1 - 1) / 2 = 0 <= 0 goes left; (-1 - 1) / 2 = -1 goes left too.
    CHECK(pipe.predict(X)(0) == 0.0);
    CHECK(pipe.predict_one(X.row(0)) == 0.0);
    CHECK(pipe.predict_proba(X)(1, 0) == 1.0);
    CHECK_FALSE(brine::AnyModel(brine::Pipeline({}, linear())).is_classifier());
}

TEST_CASE("AnyModel dispatches transform", "[models][any]") {
    Eigen::MatrixXd X(1, 2);
    X << 3, -1;
    const Eigen::MatrixXd a = brine::AnyModel(any_standard()).transform(X);
    CHECK(a(0, 0) == 1.0);
    CHECK(a(0, 1) == 2.0);
    const Eigen::MatrixXd b = brine::AnyModel(any_min_max()).transform(X);
    CHECK(b(0, 0) == 0.5);
    CHECK(b(0, 1) == -1.75);
    const Eigen::MatrixXd c =
        brine::AnyModel(brine::Pipeline({any_standard(), any_min_max()}, linear())).transform(X);
    CHECK(c(0, 0) == -0.5);  // 1 * 0.5 - 1
    CHECK(c(0, 1) == 4.25);  // 2 * 2 + 0.25
}

TEST_CASE("AnyModel refuses operations the held kind does not have", "[models][any]") {
    using brine::Errc;
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 2);
    BRINE_CHECK_THROWS_CODE(
        brine::AnyModel(any_standard()).predict(X), Errc::invalid_argument,
        "predict needs an estimator; this model is a standard_scaler, use transform");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(any_min_max()).predict_one(X.row(0)),
                            Errc::invalid_argument,
                            "predict needs an estimator; this model is a min_max_scaler");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(linear()).predict_proba(X), Errc::invalid_argument,
                            "predict_proba needs a classifier; this model is a linear_regression");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(any_standard()).predict_proba(X),
                            Errc::invalid_argument, "this model is a standard_scaler");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(stump(false)).predict_proba(X), Errc::invalid_argument,
                            "this DecisionTree is a regressor");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(brine::Pipeline({}, linear())).predict_proba(X),
                            Errc::invalid_argument, "this Pipeline ends in LinearRegression");
    double out[2];
    BRINE_CHECK_THROWS_CODE(
        brine::AnyModel(linear()).predict_proba_one(X.row(0), out, std::size(out)),
        Errc::invalid_argument,
        "predict_proba needs a classifier; this model is a linear_regression");
    BRINE_CHECK_THROWS_CODE(
        brine::AnyModel(any_min_max()).predict_proba_one(X.row(0), out, std::size(out)),
        Errc::invalid_argument, "this model is a min_max_scaler");
    BRINE_CHECK_THROWS_CODE(
        brine::AnyModel(stump(false)).predict_proba_one(X.row(0), out, std::size(out)),
        Errc::invalid_argument, "this DecisionTree is a regressor");
    BRINE_CHECK_THROWS_CODE(
        brine::AnyModel(linear()).transform(X), Errc::invalid_argument,
        "transform needs a scaler or pipeline; this model is a linear_regression");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(any_logistic()).transform(X), Errc::invalid_argument,
                            "this model is a logistic_regression");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(stump(true)).transform(X), Errc::invalid_argument,
                            "this model is a decision_tree");
}

TEST_CASE("AnyModel passes on shape and validation errors", "[models][any]") {
    using brine::Errc;
    const Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 3);
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(linear()).predict(X), Errc::shape_mismatch,
                            "LinearRegression expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(any_logistic()).predict_one(X.row(0)),
                            Errc::shape_mismatch,
                            "LogisticRegression expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(stump(true)).predict_proba(X), Errc::shape_mismatch,
                            "DecisionTree expects 2 feature columns, got 3");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(any_standard()).transform(X), Errc::shape_mismatch,
                            "StandardScaler expects 2 feature columns, got 3");
    CHECK_NOTHROW(brine::AnyModel(stump(true)).validate());
    BRINE_CHECK_THROWS_CODE(brine::AnyModel().validate(), Errc::invalid_model,
                            "LinearRegression: coef must be");
    BRINE_CHECK_THROWS_CODE(brine::AnyModel(brine::MinMaxScaler{}).validate(), Errc::invalid_model,
                            "MinMaxScaler: has no features");
}

TEST_CASE("AnyModel gives typed access and compares kind and value", "[models][any]") {
    const brine::AnyModel a = any_logistic();
    REQUIRE(a.holds<brine::LogisticRegression>());
    CHECK_FALSE(a.holds<brine::Pipeline>());
    REQUIRE(a.get_if<brine::LogisticRegression>() != nullptr);
    CHECK(*a.get_if<brine::LogisticRegression>() == any_logistic());
    CHECK(a.get_if<brine::DecisionTree>() == nullptr);
    CHECK(std::holds_alternative<brine::LogisticRegression>(a.variant()));

    CHECK(a == brine::AnyModel(any_logistic()));
    brine::AnyModel b = a;
    std::get<brine::LogisticRegression>(b.variant()).intercept(0) = 0.5000000000000001;
    CHECK(a != b);
    // Same numbers, different kinds: a StandardScaler(m, s) is not a MinMaxScaler(m, s).
    const Eigen::Vector2d u(1, 2), v(3, 4);
    CHECK(brine::AnyModel(brine::StandardScaler(u, v)) !=
          brine::AnyModel(brine::MinMaxScaler(u, v)));
    // Bit-exact: -0.0 is not 0.0.
    CHECK(brine::AnyModel(brine::LinearRegression(Eigen::Vector2d(0.0, 1), 0)) !=
          brine::AnyModel(brine::LinearRegression(Eigen::Vector2d(-0.0, 1), 0)));
}
