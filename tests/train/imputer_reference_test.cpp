// brine::SimpleImputer and its training shim against scikit-learn 1.2.1's SimpleImputer, on the
// bundled datasets with NaN holes, an all-missing feature and a numeric missing marker.
// SPDX-License-Identifier: MIT
//
// Every expected number comes from tests/reference/make_imputer_reference.py (output in
// tests/data/sklearn_preprocessing/, described in that script); nothing is compared with brine's
// own earlier output.
#include <cmath>
#include <string>

#include "brine/train.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace imputer_reference_test {

inline const char* const datasets[] = {"diabetes", "breast_cancer", "iris", "wine"};
inline const brine::ImputeStrategy strategies[] = {
    brine::ImputeStrategy::mean, brine::ImputeStrategy::median,
    brine::ImputeStrategy::most_frequent, brine::ImputeStrategy::constant};

inline Eigen::MatrixXd read(const std::string& dataset, const std::string& file) {
    return brine::test::read_csv(test_data::dir() + "/sklearn_preprocessing/" + dataset + "/" +
                                 file)
        .data;
}

/// The script's three inputs: X_nan ("holes"), X_nan with column 1 all NaN ("empty"), and that
/// with every NaN replaced by -1.0 ("marker").
struct Inputs {
    Eigen::MatrixXd holes, empty, marker;
};

inline Inputs inputs(const std::string& dataset) {
    Inputs in;
    in.holes = read(dataset, "X_nan.csv");
    in.empty = in.holes;
    in.empty.col(1).setConstant(std::numeric_limits<double>::quiet_NaN());
    in.marker = in.empty.unaryExpr([](double v) { return std::isnan(v) ? -1.0 : v; });
    return in;
}

inline brine::train::SimpleImputerOptions options(brine::ImputeStrategy s, double marker) {
    brine::train::SimpleImputerOptions o;
    o.strategy = s;
    o.missing_value = marker;
    o.fill_value = 2.5;
    return o;
}

/// Exact equality, NaN matching NaN.
inline bool same(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    return brine::detail::same_bits(a, b);
}

TEST_CASE("sklearn: SimpleImputer's statistics_ for every strategy, exactly", "[train][imputer]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const char* name : datasets) {
        INFO(name);
        const Inputs in = inputs(name);
        const Eigen::MatrixXd ref = read(name, "imputer_statistics.csv");
        const Eigen::MatrixXd ind = read(name, "imputer_indicator.csv");
        REQUIRE(ref.rows() == 12);
        int k = 0;
        int v = 0;
        for (const auto& [X, marker] : {std::pair<const Eigen::MatrixXd&, double>(in.holes, nan),
                                        {in.empty, nan},
                                        {in.marker, -1.0}}) {
            for (brine::ImputeStrategy s : strategies) {
                INFO("input " << v << ", strategy " << brine::strategy_name(s));
                const brine::SimpleImputer m = brine::train::simple_imputer(X, options(s, marker));
                // Means are computed in numpy's order, so they are exact too.
                CHECK(same(m.statistics.transpose(), ref.row(k)));
                ++k;
            }
            auto o = options(brine::ImputeStrategy::mean, marker);
            o.add_indicator = true;
            const brine::SimpleImputer m = brine::train::simple_imputer(X, o);
            Eigen::RowVectorXd got = Eigen::RowVectorXd::Zero(X.cols());
            for (Eigen::Index i = 0; i < m.indicator_features.size(); ++i)
                got(m.indicator_features(i)) = 1.0;
            CHECK(got == ind.row(v));
            ++v;
        }
    }
}

TEST_CASE("sklearn: SimpleImputer's transform: dropped feature, indicators, marker, keep_empty",
          "[train][imputer]") {
    for (const char* name : datasets) {
        INFO(name);
        const Inputs in = inputs(name);
        const std::string files[] = {"mean", "median", "most_frequent", "constant"};
        for (int s = 0; s < 4; ++s) {
            INFO(files[s]);
            auto o = options(strategies[s], std::numeric_limits<double>::quiet_NaN());
            o.add_indicator = true;
            const brine::SimpleImputer m = brine::train::simple_imputer(in.empty, o);
            m.validate();
            const Eigen::MatrixXd expected = read(name, "imputer_" + files[s] + "_transform.csv");
            CHECK(m.n_features_out() == expected.cols());
            const Eigen::MatrixXd got = m.transform(in.empty.topRows(expected.rows()));
            CHECK(same(got, expected));
            // One row at a time gives the same values.
            Eigen::RowVectorXd row(m.n_features_out());
            m.transform_one(in.empty.row(3), row);
            CHECK(same(row, expected.row(3)));
        }
        auto o = options(brine::ImputeStrategy::median, -1.0);
        const brine::SimpleImputer marker = brine::train::simple_imputer(in.marker, o);
        const Eigen::MatrixXd em = read(name, "imputer_marker_transform.csv");
        CHECK(same(marker.transform(in.marker.topRows(em.rows())), em));

        o = options(brine::ImputeStrategy::mean, std::numeric_limits<double>::quiet_NaN());
        o.add_indicator = true;
        o.keep_empty_features = true;
        const brine::SimpleImputer keep = brine::train::simple_imputer(in.empty, o);
        const Eigen::MatrixXd ek = read(name, "imputer_keep_empty_transform.csv");
        CHECK(keep.n_features_out() == ek.cols());
        CHECK(same(keep.transform(in.empty.topRows(ek.rows())), ek));
    }
}

TEST_CASE("simple_imputer's training refuses what scikit-learn refuses", "[train][imputer]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd X(3, 2);
    X << 1, nan, 2, HUGE_VAL, 3, nan;
    BRINE_CHECK_THROWS_CODE(brine::train::simple_imputer(X), brine::Errc::invalid_argument,
                            "simple_imputer: X has an infinite value (inf) at row 1, column 1");
    X(1, 1) = 4;
    BRINE_CHECK_THROWS_CODE(
        brine::train::simple_imputer(X, options(brine::ImputeStrategy::mean, 0.0)),
        brine::Errc::invalid_argument,
        "simple_imputer: X has NaN at row 0, column 1 (with a numeric missing_value, NaN is "
        "refused, as scikit-learn does)");
    BRINE_CHECK_THROWS_CODE(brine::train::simple_imputer(Eigen::MatrixXd(0, 2)),
                            brine::Errc::invalid_argument, "simple_imputer: X is empty (0 x 2)");
    auto o = options(brine::ImputeStrategy::constant, nan);
    o.fill_value = nan;
    BRINE_CHECK_THROWS_CODE(brine::train::simple_imputer(X, o), brine::Errc::invalid_argument,
                            "simple_imputer: fill_value nan must be a finite number");
    o = options(brine::ImputeStrategy::mean, -HUGE_VAL);
    BRINE_CHECK_THROWS_CODE(brine::train::simple_imputer(X, o), brine::Errc::invalid_argument,
                            "simple_imputer: missing_value -inf must be NaN or a finite number");
    Eigen::MatrixXd all(2, 1);
    all << nan, nan;
    BRINE_CHECK_THROWS_CODE(brine::train::simple_imputer(all), brine::Errc::invalid_argument,
                            "simple_imputer: every column of X is all missing");
    Eigen::MatrixXd huge(2, 1);
    huge << 1e308, 1e308;
    BRINE_CHECK_THROWS_CODE(brine::train::simple_imputer(huge), brine::Errc::invalid_argument,
                            "simple_imputer: the mean of column 0 overflows to infinity");
}

TEST_CASE("simple_imputer: ties, zeros and an all-missing column by hand", "[train][imputer]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd X(5, 3);
    X << 3, nan, 7,   //
        1, nan, nan,  //
        3, nan, 7,    //
        1, nan, 2,    //
        nan, nan, 2;
    auto o = options(brine::ImputeStrategy::most_frequent, nan);
    o.add_indicator = true;
    const brine::SimpleImputer m = brine::train::simple_imputer(X, o);
    // 1 and 3 twice each: the smaller wins; 7 and 2 twice each: 2.
    CHECK(m.statistics(0) == 1);
    CHECK(std::isnan(m.statistics(1)));
    CHECK(m.statistics(2) == 2);
    CHECK(m.n_features_out() == 5);
    o.strategy = brine::ImputeStrategy::median;
    const brine::SimpleImputer med = brine::train::simple_imputer(X, o);
    CHECK(med.statistics(0) == 2);  // (1 + 3) / 2
    CHECK(med.statistics(2) == 4.5);
    o.strategy = brine::ImputeStrategy::mean;
    o.keep_empty_features = true;
    const brine::SimpleImputer mean = brine::train::simple_imputer(X, o);
    CHECK(mean.statistics(0) == 2);
    CHECK(mean.statistics(1) == 0);  // kept, filled with 0
    CHECK(mean.statistics(2) == 4.5);
    CHECK(mean.n_features_out() == 6);
}

TEST_CASE("simple_imputer: signed zeros as numpy sums and sorts them", "[train][imputer]") {
    // scikit-learn 1.2 (numpy 1.24) on these columns: mean 0.0, median 0.0, most_frequent -0.0
    // for [-0, -0]; most_frequent 0.0 for [0, -0, -0] and -0.0 for [-0, 0, 0].
    Eigen::MatrixXd X(3, 3);
    X << -0.0, 0.0, -0.0,  //
        -0.0, -0.0, 0.0,   //
        NAN, -0.0, 0.0;
    const auto fit = [&](brine::ImputeStrategy s) {
        return brine::train::simple_imputer(X, options(s, std::numeric_limits<double>::quiet_NaN()))
            .statistics;
    };
    const Eigen::VectorXd mean = fit(brine::ImputeStrategy::mean);
    const Eigen::VectorXd median = fit(brine::ImputeStrategy::median);
    const Eigen::VectorXd mode = fit(brine::ImputeStrategy::most_frequent);
    CHECK_FALSE(std::signbit(mean(0)));
    CHECK_FALSE(std::signbit(median(0)));
    CHECK(std::signbit(mode(0)));
    CHECK_FALSE(std::signbit(mode(1)));
    CHECK(std::signbit(mode(2)));
}

}  // namespace imputer_reference_test
