// scikit-learn's Pipeline(ColumnTransformer[SimpleImputer + StandardScaler | OneHotEncoder] ->
// LogisticRegression or DecisionTreeClassifier) rebuilt from its fitted attributes: brine gives
// scikit-learn's transform and predict_proba on data with NaN holes, integer categories and
// unknown categories (tests/reference/make_column_transformer_reference.py, scikit-learn 1.2).
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace column_transformer_sklearn_test {

using A = brine::ColumnBranch::Action;
using brine::test::read_csv;

std::string dir(const std::string& dataset) {
    return test_data::dir() + "/sklearn_column_transformer/" + dataset + "/";
}

brine::IndexVector range_of(std::int32_t first, std::int32_t n) {
    brine::IndexVector v(n);
    for (std::int32_t i = 0; i < n; ++i) v(i) = first + i;
    return v;
}

/// The fitted ColumnTransformer, built from scikit-learn's attributes.
brine::ColumnTransformer column_transformer(const std::string& dataset) {
    const Eigen::MatrixXd layout = read_csv(dir(dataset) + "layout.csv").data;
    const auto n = static_cast<std::int32_t>(layout(0, 0));
    const auto c0 = static_cast<std::int32_t>(layout(0, 1));
    const auto c1 = static_cast<std::int32_t>(layout(0, 2));
    const auto clean = static_cast<std::int32_t>(layout(0, 3));
    const bool passthrough = layout(0, 4) != 0, c1_first = layout(0, 5) != 0;
    const brine::SimpleImputer imputer(brine::ImputeStrategy::median,
                                       std::numeric_limits<double>::quiet_NaN(),
                                       read_csv(dir(dataset) + "imputer.csv").data.row(0));
    const Eigen::MatrixXd sc = read_csv(dir(dataset) + "scaler.csv").data;
    const brine::StandardScaler scaler(sc.row(0).transpose(), sc.row(1).transpose());
    const Eigen::MatrixXd cats = read_csv(dir(dataset) + "encoder.csv").data;
    brine::IndexVector counts = brine::IndexVector::Zero(2);
    for (Eigen::Index r = 0; r < cats.rows(); ++r) ++counts(static_cast<Eigen::Index>(cats(r, 0)));
    const brine::OneHotEncoder encoder(cats.col(1), counts, brine::IndexVector(),
                                       brine::HandleUnknown::ignore);
    brine::ColumnTransformer ct;
    ct.n_features_in = n + 3;
    ct.branches.push_back({"num", range_of(0, n), A::steps, {imputer, scaler}});
    brine::IndexVector cat(2);
    cat << (c1_first ? c1 : c0), (c1_first ? c0 : c1);
    ct.branches.push_back({"cat", cat, A::steps, {encoder}});
    brine::IndexVector rest(1);
    rest << clean;
    ct.remainder = {"remainder", rest, passthrough ? A::passthrough : A::drop, {}};
    ct.validate();
    return ct;
}

brine::LogisticRegression logistic(const std::string& dataset) {
    const Eigen::MatrixXd w = read_csv(dir(dataset) + "logistic.csv").data;
    const brine::RowMatrix coef = w.leftCols(w.cols() - 1);
    return brine::LogisticRegression(coef, w.col(w.cols() - 1),
                                     read_csv(dir(dataset) + "classes.csv").data.row(0));
}

brine::DecisionTree tree(const std::string& dataset, Eigen::Index n_features) {
    const Eigen::MatrixXd t = read_csv(dir(dataset) + "tree.csv").data;
    brine::DecisionTree d;
    d.task = brine::DecisionTree::Task::classification;
    d.n_features_in = static_cast<std::int32_t>(n_features);
    d.children_left = t.col(0).cast<std::int32_t>();
    d.children_right = t.col(1).cast<std::int32_t>();
    d.feature = t.col(2).cast<std::int32_t>();
    d.threshold = t.col(3);
    d.value = t.rightCols(t.cols() - 4);
    d.classes = read_csv(dir(dataset) + "classes.csv").data.row(0);
    d.compare = brine::TreeCompare::float32_le;  // scikit-learn compares float32(x) <= threshold
    return d;
}

/// |got - want| <= 1e-12 max(|got|, |want|), entry by entry.
void check_close(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const char* what) {
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    for (Eigen::Index i = 0; i < got.rows(); ++i) {
        for (Eigen::Index j = 0; j < got.cols(); ++j) {
            const double a = got(i, j), b = want(i, j);
            if (a == b) continue;
            INFO(what << " row " << i << " column " << j << ": " << a << " vs " << b);
            CHECK(std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b)));
        }
    }
}

TEST_CASE("ColumnTransformer pipelines give scikit-learn's transform and predict_proba",
          "[models][column_transformer][sklearn]") {
    for (const std::string dataset : {"iris", "wine", "breast_cancer"}) {
        INFO(dataset);
        const brine::ColumnTransformer ct = column_transformer(dataset);
        const Eigen::MatrixXd X = read_csv(dir(dataset) + "X.csv").data;
        const Eigen::MatrixXd want = read_csv(dir(dataset) + "transform.csv").data;
        const Eigen::MatrixXd Z = ct.transform(X);
        REQUIRE(Z.cols() == want.cols());
        // Imputed and scaled columns to 1e-12; one-hot and passed-through columns exactly.
        const Eigen::Index n_num = ct.branches[0].columns.size();
        check_close(Z.leftCols(n_num), want.leftCols(n_num), "scaled");
        CHECK(Z.rightCols(Z.cols() - n_num) == want.rightCols(want.cols() - n_num));
        // The imputer alone is exact: every value is copied or replaced by a statistic.
        const auto& imp = std::get<brine::SimpleImputer>(ct.branches[0].steps[0]);
        const Eigen::MatrixXd imputed = imp.transform(X.leftCols(n_num));
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            for (Eigen::Index j = 0; j < n_num; ++j)
                CHECK(imputed(i, j) == (std::isnan(X(i, j)) ? imp.statistics(j) : X(i, j)));
        }

        const brine::Pipeline lr({ct}, logistic(dataset));
        lr.validate();
        const Eigen::MatrixXd p = lr.predict_proba(X);
        check_close(p, read_csv(dir(dataset) + "logistic_proba.csv").data, "logistic proba");
        const brine::Pipeline dt({ct}, tree(dataset, ct.n_features_out()));
        dt.validate();
        const Eigen::MatrixXd q = dt.predict_proba(X);
        CHECK(q == read_csv(dir(dataset) + "tree_proba.csv").data);

        // Every entry point agrees with the batch form bit for bit, and the files round-trip.
        const brine::RowMatrix Xr = X;
        CHECK(lr.predict_proba(Xr) == p);
        CHECK(dt.predict_proba(Xr) == q);
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            std::vector<double> one(static_cast<std::size_t>(p.cols()));
            lr.predict_proba_one(X.row(i), one);
            for (Eigen::Index k = 0; k < p.cols(); ++k)
                CHECK(one[static_cast<std::size_t>(k)] == p(i, k));
        }
        for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
            CHECK(brine::from_bytes<brine::Pipeline>(brine::to_bytes(lr, f)) == lr);
            CHECK(brine::from_bytes<brine::Pipeline>(brine::to_bytes(dt, f)) == dt);
        }
    }
}

}  // namespace column_transformer_sklearn_test
