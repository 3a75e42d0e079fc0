// Tests of brine::OneHotEncoder against hand-built encodings (scikit-learn 1.2's rules; the
// comparison with scikit-learn itself is in tests/train/one_hot_encoder_reference_test.cpp).
// SPDX-License-Identifier: MIT
#include "brine/models/one_hot_encoder.hpp"

#include "brine/models/any_model.hpp"

#include <cmath>
#include <vector>

#include "brine_catch.hpp"
#include "special_values.hpp"

namespace one_hot_encoder_test {

using special_values::inf_v;
using special_values::nan_v;

/// Feature 0: categories {-1, 0, 2.5, NaN}; feature 1: {3, 7}.
inline brine::OneHotEncoder two_features(brine::IndexVector drop, brine::HandleUnknown h) {
    Eigen::VectorXd cats(6);
    cats << -1, 0, 2.5, nan_v, 3, 7;
    brine::IndexVector n(2);
    n << 4, 2;
    return brine::OneHotEncoder(cats, n, std::move(drop), h);
}

inline brine::IndexVector idx(std::initializer_list<int> v) {
    brine::IndexVector r(static_cast<Eigen::Index>(v.size()));
    Eigen::Index i = 0;
    for (int x : v) r(i++) = x;
    return r;
}

inline Eigen::MatrixXd rows(std::initializer_list<std::initializer_list<double>> v) {
    Eigen::MatrixXd X(static_cast<Eigen::Index>(v.size()),
                      static_cast<Eigen::Index>(v.begin()->size()));
    Eigen::Index i = 0;
    for (const auto& r : v) {
        Eigen::Index j = 0;
        for (double x : r) X(i, j++) = x;
        ++i;
    }
    return X;
}

/// transform_one of every row equals transform's row, and transform_into writes the same.
inline void check_forms_agree(const brine::OneHotEncoder& e, const Eigen::MatrixXd& X,
                              const Eigen::MatrixXd& Z) {
    std::vector<double> out(static_cast<std::size_t>(e.n_features_out()), -1.0);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        e.transform_one(X.row(i), out);
        for (Eigen::Index j = 0; j < Z.cols(); ++j) CHECK(out[std::size_t(j)] == Z(i, j));
    }
    Eigen::MatrixXd into = Eigen::MatrixXd::Constant(X.rows(), e.n_features_out(), -1.0);
    e.transform_into(X, into);
    CHECK(into == Z);
}

TEST_CASE("OneHotEncoder encodes each feature's categories in order, NaN as a category",
          "[models][one_hot_encoder]") {
    const auto e = two_features({}, brine::HandleUnknown::error);
    e.validate();
    CHECK(e.n_features() == 2);
    CHECK(e.n_features_out() == 6);
    CHECK(e.n_outputs() == 6);
    const Eigen::MatrixXd X = rows({{2.5, 7}, {nan_v, 3}, {-0.0, 7}, {-1, 3}});
    const Eigen::MatrixXd Z = e.transform(X);
    const Eigen::MatrixXd expected = rows({{0, 0, 1, 0, 0, 1},
                                           {0, 0, 0, 1, 1, 0},
                                           {0, 1, 0, 0, 0, 1},  // -0.0 matches 0 (numpy's ==)
                                           {1, 0, 0, 0, 1, 0}});
    CHECK(Z == expected);
    check_forms_agree(e, X, Z);
}

TEST_CASE("OneHotEncoder drop leaves out one column per feature; a dropped value is all zeros",
          "[models][one_hot_encoder]") {
    const Eigen::MatrixXd X = rows({{2.5, 7}, {nan_v, 3}, {-1, 3}});
    SECTION("first") {
        const auto e = two_features(idx({0, 0}), brine::HandleUnknown::error);
        e.validate();
        CHECK(e.n_features_out() == 4);
        const Eigen::MatrixXd Z = e.transform(X);
        CHECK(Z == rows({{0, 1, 0, 1}, {0, 0, 1, 0}, {0, 0, 0, 0}}));
        check_forms_agree(e, X, Z);
    }
    SECTION("if_binary: only the two-category feature, the other one kept whole") {
        const auto e = two_features(idx({-1, 0}), brine::HandleUnknown::error);
        e.validate();
        CHECK(e.n_features_out() == 5);
        const Eigen::MatrixXd Z = e.transform(X);
        CHECK(Z == rows({{0, 0, 1, 0, 1}, {0, 0, 0, 1, 0}, {1, 0, 0, 0, 0}}));
        check_forms_agree(e, X, Z);
    }
    SECTION("explicit: NaN of feature 0, 7 of feature 1; later columns shift left") {
        const auto e = two_features(idx({3, 1}), brine::HandleUnknown::error);
        const Eigen::MatrixXd Z = e.transform(X);
        CHECK(Z == rows({{0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 1}}));
        check_forms_agree(e, X, Z);
    }
}

TEST_CASE("OneHotEncoder handle_unknown: error names row, column and value; ignore gives zeros",
          "[models][one_hot_encoder]") {
    const Eigen::MatrixXd X = rows({{0, 3}, {0, 5}, {1, 4}});
    const auto err = two_features({}, brine::HandleUnknown::error);
    // The first column with an unknown is reported (scikit-learn's order), then its first row.
    BRINE_CHECK_THROWS_CODE(err.transform(X), brine::Errc::invalid_input,
                            "OneHotEncoder: input row 2, column 0 is 1, not one of the 4 "
                            "categories of feature 0 (handle_unknown is error)");
    double out[6];
    BRINE_CHECK_THROWS_CODE(err.transform_one(X.row(1), out, 6), brine::Errc::invalid_input,
                            "OneHotEncoder: input column 1 is 5, not one of the 2 categories");

    const auto ign = two_features({}, brine::HandleUnknown::ignore);
    const Eigen::MatrixXd Z = ign.transform(X);
    CHECK(Z == rows({{0, 1, 0, 0, 1, 0}, {0, 1, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}}));
    check_forms_agree(ign, X, Z);

    // With drop and ignore, an unknown is all zeros like the dropped category (scikit-learn 1.2).
    const auto ign_drop = two_features(idx({0, 0}), brine::HandleUnknown::ignore);
    const Eigen::MatrixXd Zd = ign_drop.transform(X);
    CHECK(Zd == rows({{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}}));

    // NaN without a NaN category is unknown; NaN with one matches it.
    brine::OneHotEncoder no_nan(Eigen::Vector2d(1, 2), idx({2}), {}, brine::HandleUnknown::error);
    no_nan.validate();
    BRINE_CHECK_THROWS_CODE(no_nan.transform(rows({{nan_v}})), brine::Errc::invalid_input,
                            "input row 0, column 0 is NaN, not one of the 2 categories");
    no_nan.handle_unknown = brine::HandleUnknown::ignore;
    CHECK(no_nan.transform(rows({{nan_v}, {2}})) == rows({{0, 0}, {0, 1}}));
}

TEST_CASE("OneHotEncoder refuses infinities whatever handle_unknown says, before unknowns",
          "[models][one_hot_encoder]") {
    for (auto h : {brine::HandleUnknown::error, brine::HandleUnknown::ignore}) {
        const auto e = two_features({}, h);
        BRINE_CHECK_THROWS_CODE(e.transform(rows({{9, 3}, {0, -inf_v}})),
                                brine::Errc::invalid_input,
                                "OneHotEncoder: input row 1, column 1 is -infinity; OneHotEncoder "
                                "takes finite values and NaN, not infinities");
        double out[6];
        BRINE_CHECK_THROWS_CODE(e.transform_one(rows({{9, inf_v}}).row(0), out, 6),
                                brine::Errc::invalid_input,
                                "OneHotEncoder: input column 1 is +infinity");
    }
}

TEST_CASE("OneHotEncoder checks shapes of inputs and outputs", "[models][one_hot_encoder]") {
    const auto e = two_features({}, brine::HandleUnknown::error);
    BRINE_CHECK_THROWS_CODE(e.transform(Eigen::MatrixXd(1, 3)), brine::Errc::shape_mismatch,
                            "OneHotEncoder expects 2 feature columns, got 3");
    Eigen::MatrixXd small(2, 5);
    BRINE_CHECK_THROWS_CODE(
        e.transform_into(Eigen::MatrixXd::Zero(2, 2), small), brine::Errc::shape_mismatch,
        "OneHotEncoder::transform_into writes 2 x 6 values, the output is 2 x 5");
    double out[5];
    BRINE_CHECK_THROWS_CODE(
        e.transform_one(rows({{0, 3}}).row(0), out, 5), brine::Errc::shape_mismatch,
        "OneHotEncoder::transform_one writes 6 values, the output buffer holds 5");
}

TEST_CASE("OneHotEncoder::validate refuses every broken invariant by name",
          "[models][one_hot_encoder]") {
    using brine::Errc;
    auto e = two_features({}, brine::HandleUnknown::error);
    SECTION("no features") {
        BRINE_CHECK_THROWS_CODE(brine::OneHotEncoder().validate(), Errc::invalid_model,
                                "OneHotEncoder: has no features");
    }
    SECTION("a feature without categories") {
        e.n_categories << 6, 0;
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "n_categories[1] is 0 (every feature has at least 1 category)");
    }
    SECTION("counts that do not add up") {
        e.n_categories << 4, 1;
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "n_categories add up to 5, categories has 6 entries");
        BRINE_CHECK_THROWS_CODE(e.transform(Eigen::MatrixXd::Zero(1, 2)), Errc::invalid_model,
                                "n_categories add up to 5");
    }
    SECTION("unsorted or repeated categories") {
        e.categories(1) = -1;
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "feature 0: category 1 (categories[1]) is -1, not greater than the "
                                "category before it (-1); categories must be sorted and unique");
        e.categories(1) = 0;
        e.categories(5) = 2;
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "feature 1: category 1 (categories[5]) is 2, not greater");
    }
    SECTION("NaN not last, infinity") {
        e.categories(2) = nan_v;
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "feature 0: category 2 (categories[2]) is NaN but not the last");
        e.categories(2) = 2.5;
        e.categories(5) = inf_v;
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "feature 1: category 1 (categories[5]) is infinite");
    }
    SECTION("drop_idx of the wrong length or out of range") {
        e.drop_idx = idx({0});
        BRINE_CHECK_THROWS_CODE(
            e.validate(), Errc::invalid_model,
            "drop_idx has 1 entries for 2 features (expected that many, or none)");
        CHECK(e.n_features_out() == 5);  // bounds-checked even on a broken model
        e.drop_idx = idx({0, 2});
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "drop_idx[1] is 2 (expected -1 for none, or 0 to 1: feature 1 has "
                                "2 categories)");
        e.drop_idx = idx({-2, 0});
        BRINE_CHECK_THROWS_CODE(e.transform(Eigen::MatrixXd::Zero(1, 2)), Errc::invalid_model,
                                "drop_idx[0] is -2");
    }
    SECTION("handle_unknown") {
        e.handle_unknown = static_cast<brine::HandleUnknown>(2);
        BRINE_CHECK_THROWS_CODE(e.validate(), Errc::invalid_model,
                                "handle_unknown is 2 (expected 0 for error or 1 for ignore)");
    }
}

TEST_CASE("OneHotEncoder finds values by binary search over many categories",
          "[models][one_hot_encoder]") {
    const Eigen::Index k = 1000;
    Eigen::VectorXd cats(k);
    for (Eigen::Index c = 0; c < k; ++c) cats(c) = double(2 * c);  // even numbers
    const brine::OneHotEncoder e(cats, idx({int(k)}), {}, brine::HandleUnknown::ignore);
    e.validate();
    for (Eigen::Index c = 0; c < k; ++c) {
        CHECK(e.find(double(2 * c), 0, k) == c);
        CHECK(e.find(double(2 * c + 1), 0, k) == -1);
    }
    CHECK(e.find(-1, 0, k) == -1);
    CHECK(e.find(nan_v, 0, k) == -1);
}

TEST_CASE("AnyModel holds a OneHotEncoder: transform, no predict", "[models][one_hot_encoder]") {
    const brine::AnyModel m(two_features(idx({0, 0}), brine::HandleUnknown::ignore));
    CHECK(m.kind() == brine::ModelKind::one_hot_encoder);
    static_assert(static_cast<int>(brine::ModelKind::one_hot_encoder) == 9, "file value");
    static_assert(brine::schema_version_v<brine::OneHotEncoder> == 1, "schema");
    CHECK(brine::kind_name(brine::ModelKind::one_hot_encoder) == "one_hot_encoder");
    CHECK(m.n_outputs() == 4);
    CHECK(m.transform(rows({{0, 7}})) == rows({{1, 0, 0, 1}}));
    BRINE_CHECK_THROWS_CODE(m.predict(rows({{0, 7}})), brine::Errc::invalid_argument,
                            "predict needs an estimator; this model is a one_hot_encoder");
}

}  // namespace one_hot_encoder_test
