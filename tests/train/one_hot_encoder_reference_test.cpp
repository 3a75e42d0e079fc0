// brine's OneHotEncoder and its training shim against scikit-learn 1.2.1's OneHotEncoder, on
// integer category columns made from the bundled datasets, for every drop mode and
// handle_unknown.
// SPDX-License-Identifier: MIT
//
// Every expected number comes from tests/reference/make_one_hot_reference.py (output in
// tests/data/sklearn_preprocessing/, described in that script); nothing is compared with brine's
// own earlier output.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "brine/train.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace one_hot_encoder_reference_test {

inline const char* const datasets[] = {"diabetes", "breast_cancer", "iris", "wine"};

inline brine::test::Csv read(const std::string& dataset, const std::string& file) {
    return brine::test::read_csv(test_data::dir() + "/sklearn_preprocessing/" + dataset + "/" +
                                 file);
}

/// scikit-learn's fitted encoder as brine's model, from its categories_ and drop_idx_ alone.
inline brine::OneHotEncoder from_sklearn(const Eigen::MatrixXd& fitted, Eigen::Index n_features,
                                         brine::HandleUnknown h) {
    brine::OneHotEncoder m;
    m.handle_unknown = h;
    m.categories = fitted.col(1);
    m.n_categories = brine::IndexVector::Zero(n_features);
    const bool none = fitted(0, 2) == -2;
    if (!none) m.drop_idx.resize(n_features);
    for (Eigen::Index r = 0; r < fitted.rows(); ++r) {
        const auto j = static_cast<Eigen::Index>(fitted(r, 0));
        ++m.n_categories(j);
        if (!none) m.drop_idx(j) = static_cast<std::int32_t>(fitted(r, 2));
    }
    return m;
}

/// Bitwise equality of two vectors (NaN equal to NaN): categories must match exactly.
inline bool same(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    if (a.size() != b.size()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        if (std::isnan(a(i)) && std::isnan(b(i))) continue;
        if (std::memcmp(&a(i), &b(i), sizeof(double)) != 0) return false;
    }
    return true;
}

TEST_CASE(
    "one_hot_encoder and OneHotEncoder give scikit-learn's categories_, drop_idx_ and "
    "transform, for every drop and handle_unknown",
    "[train][one_hot_encoder][sklearn]") {
    using Drop = brine::train::OneHotEncoderOptions::Drop;
    const std::pair<const char*, Drop> drops[] = {{"none", Drop::none},
                                                  {"first", Drop::first},
                                                  {"if_binary", Drop::if_binary},
                                                  {"explicit", Drop::values}};
    int configs = 0;
    for (const char* dataset : datasets) {
        const Eigen::MatrixXd C = read(dataset, "X_cat.csv").data;
        Eigen::MatrixXd fit_rows((C.rows() + 2) / 3 * 2, C.cols());
        Eigen::Index n = 0;
        for (Eigen::Index i = 0; i < C.rows(); ++i)
            if (i % 3 != 0) fit_rows.row(n++) = C.row(i);
        fit_rows.conservativeResize(n, C.cols());
        for (const auto& [drop_name, drop] : drops) {
            for (const auto h : {brine::HandleUnknown::error, brine::HandleUnknown::ignore}) {
                const std::string config =
                    std::string("one_hot_") + drop_name + "_" + brine::handle_unknown_name(h);
                INFO(dataset << " " << config);
                const Eigen::MatrixXd fitted = read(dataset, config + ".csv").data;
                const brine::OneHotEncoder want = from_sklearn(fitted, C.cols(), h);
                want.validate();

                brine::train::OneHotEncoderOptions o;
                o.drop = drop;
                o.handle_unknown = h;
                if (drop == Drop::values) {
                    // scikit-learn's explicit drop: the last category of every feature.
                    Eigen::Index end = 0;
                    for (Eigen::Index j = 0; j < C.cols(); ++j) {
                        end += want.n_categories(j);
                        o.drop_values.push_back(want.categories(end - 1));
                    }
                }
                const brine::OneHotEncoder got = brine::train::one_hot_encoder(fit_rows, o);
                CHECK(same(got.categories, want.categories));
                CHECK(got.n_categories == want.n_categories);
                CHECK(got.drop_idx == want.drop_idx);
                CHECK(got.handle_unknown == want.handle_unknown);

                const brine::test::Csv t = read(dataset, config + "_transform.csv");
                REQUIRE(t.data.cols() == want.n_features_out() + 1);
                Eigen::MatrixXd X(t.data.rows(), C.cols());
                for (Eigen::Index r = 0; r < t.data.rows(); ++r)
                    X.row(r) = C.row(static_cast<Eigen::Index>(t.data(r, 0)));
                const Eigen::MatrixXd expected = t.data.rightCols(want.n_features_out());
                CHECK(want.transform(X) == expected);
                CHECK(got.transform(X) == expected);
                Eigen::VectorXd one(want.n_features_out());
                for (Eigen::Index r = 0; r < X.rows(); ++r) {
                    got.transform_one(X.row(r), one);
                    CHECK(one.transpose() == expected.row(r));
                }

                if (h == brine::HandleUnknown::error) {
                    // scikit-learn names the first column holding an unknown; brine that column's
                    // first unknown row and its value.
                    const Eigen::MatrixXd u = read(dataset, config + "_unknown.csv").data;
                    const auto col = static_cast<Eigen::Index>(u(0, 0));
                    const auto row = static_cast<Eigen::Index>(u(0, 1));
                    const std::string value = std::isnan(u(0, 2))
                                                  ? std::string("NaN")
                                                  : std::to_string(static_cast<int>(u(0, 2)));
                    BRINE_CHECK_THROWS_CODE(
                        got.transform(C.topRows(90)), brine::Errc::invalid_input,
                        "OneHotEncoder: input row " + std::to_string(row) + ", column " +
                            std::to_string(col) + " is " + value + ", not one of the");
                }
                ++configs;
            }
        }
    }
    CHECK(configs == 32);
}

TEST_CASE(
    "one_hot_encoder: NaN sorts last, -0.0 and 0.0 are one category, given categories "
    "and their checks",
    "[train][one_hot_encoder]") {
    // Hand-checked against scikit-learn 1.2.1: OneHotEncoder().fit([[3, nan], [1, 2], [nan, 2],
    // [3, 1]]).categories_ == [[1, 3, nan], [1, 2, nan]].
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd X(4, 2);
    const double values[] = {3, nan, 1, 2, nan, 2, 3, 1};
    for (Eigen::Index i = 0; i < 8; ++i) X(i / 2, i % 2) = values[i];
    const brine::OneHotEncoder m = brine::train::one_hot_encoder(X);
    CHECK(m.n_categories == brine::IndexVector::Constant(2, 3));
    CHECK(m.categories.head(2) == Eigen::Vector2d(1, 3));
    CHECK(std::isnan(m.categories(2)));
    CHECK(m.drop_idx.size() == 0);

    Eigen::MatrixXd Z(3, 1);
    Z(0, 0) = 0.0;
    Z(1, 0) = -0.0;
    Z(2, 0) = 2;
    CHECK(brine::train::one_hot_encoder(Z).n_categories(0) == 2);

    brine::train::OneHotEncoderOptions o;
    o.categories = {{1, 2, 3, nan}, {1, 2}};
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(X, o), brine::Errc::invalid_argument,
                            "one_hot_encoder: found unknown category nan in column 1 during "
                            "fit (row 0; handle_unknown is error)");
    o.handle_unknown = brine::HandleUnknown::ignore;
    const brine::OneHotEncoder given = brine::train::one_hot_encoder(X, o);
    CHECK(given.n_categories(0) == 4);
    CHECK(given.n_categories(1) == 2);
    o.categories = {{1, 3, 2}, {1, 2}};
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(X, o), brine::Errc::invalid_argument,
                            "categories[0] is not sorted and unique: 3 then 2");
    o.categories = {{1, nan, 2}, {1, 2}};
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(X, o), brine::Errc::invalid_argument,
                            "categories[0] holds NaN before its end");
    o.categories.clear();
    o.drop = brine::train::OneHotEncoderOptions::Drop::values;
    o.drop_values = {3, 5};
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(X, o), brine::Errc::invalid_argument,
                            "drop value 5 is not a category of feature 1");
    o.drop_values = {nan};
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(X, o), brine::Errc::invalid_argument,
                            "drop_values has 1 entries for 2 features");
    o.drop_values = {nan, nan};
    CHECK(brine::train::one_hot_encoder(X, o).drop_idx == brine::IndexVector::Constant(2, 2));
    X(1, 1) = -std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(X), brine::Errc::invalid_argument,
                            "one_hot_encoder: X has an infinite value (-inf) at row 1, column 1");
    BRINE_CHECK_THROWS_CODE(brine::train::one_hot_encoder(Eigen::MatrixXd(0, 2)),
                            brine::Errc::invalid_argument, "one_hot_encoder: X is empty (0 x 2)");
}

TEST_CASE("fit_one_hot_encoder is one_hot_encoder under its first name",
          "[train][one_hot_encoder]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd X(3, 2);
    X << 3, nan, 1, 2, 3, 1;
    brine::train::OneHotEncoderOptions o;
    o.drop = brine::train::OneHotEncoderOptions::Drop::first;
    CHECK(brine::train::fit_one_hot_encoder(X, o) == brine::train::one_hot_encoder(X, o));
    X(2, 0) = std::numeric_limits<double>::infinity();
    BRINE_CHECK_THROWS_CODE(brine::train::fit_one_hot_encoder(X), brine::Errc::invalid_argument,
                            "one_hot_encoder: X has an infinite value (inf) at row 2, column 0");
}

}  // namespace one_hot_encoder_reference_test
