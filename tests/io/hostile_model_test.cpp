// Hostile models in well-formed files: every broken invariant, written past save's validate() and
// wrapped in a valid container (checksum included), is refused on load with Errc::invalid_model.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "brine_catch.hpp"
#include "io_fixtures.hpp"
#include "model_fixtures.hpp"
#include "temp_dir.hpp"

using brine::Errc;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using io_fixtures::fixed_time;
using io_fixtures::resign;

std::string u64(std::uint64_t v) {
    std::string s;
    for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

/// A valid model of each kind, whose file provides the container the bad payload goes into.
template <class M>
M valid_of() {
    if constexpr (std::is_same_v<M, brine::LinearRegression>)
        return fixtures::linear();
    else if constexpr (std::is_same_v<M, brine::LogisticRegression>)
        return fixtures::logistic_multi();
    else if constexpr (std::is_same_v<M, brine::DecisionTree>)
        return fixtures::tree_classifier();
    else if constexpr (std::is_same_v<M, brine::StandardScaler>)
        return fixtures::standard_scaler();
    else if constexpr (std::is_same_v<M, brine::MinMaxScaler>)
        return fixtures::min_max_scaler();
    else if constexpr (std::is_same_v<M, brine::MaxAbsScaler>)
        return fixtures::max_abs_scaler();
    else if constexpr (std::is_same_v<M, brine::RobustScaler>)
        return fixtures::robust_scaler();
    else if constexpr (std::is_same_v<M, brine::TreeEnsemble>)
        return fixtures::ensemble_forest();
    else if constexpr (std::is_same_v<M, brine::OneHotEncoder>)
        return fixtures::one_hot_encoder();
    else
        return fixtures::pipeline_classifier();
}

/// The binary file of a model that save() would refuse: the payload is written with the archive
/// directly and spliced into a valid file of the same kind, with its length and checksum fixed.
template <class M>
std::string binary_file_of(const M& bad) {
    const std::string good = brine::to_bytes(valid_of<M>(), brine::Format::binary, fixed_time());
    const auto s = brine::detail::split_binary(good);
    std::string payload;
    {
        brine::BinaryOutputArchive ar(payload);
        // tree_ensemble schema 2 stores default_left as bits, which cannot hold a value other
        // than 0 or 1: such a model is written as schema 1, which can.
        brine::detail::EnsembleSchemas v1;
        if constexpr (std::is_same_v<M, brine::TreeEnsemble>) {
            if ((bad.default_left.array() > 1).any()) {
                v1.versions = {1};
                ar.replay_ensemble_schemas(&v1);
            }
        }
        ar(bad);
    }
    std::string out =
        good.substr(0, s.payload_offset - 8) + u64(payload.size()) + payload + std::string(8, '\0');
    resign(out);
    return out;
}

/// The JSON file of the same model: the container's own writer, which does not validate (save
/// does).
template <class M>
std::string json_file_of(const M& bad) {
    return brine::detail::encode_json(bad, brine::detail::make_header(bad, fixed_time()));
}

/// Loads `bad` from both encodings (as its own type and as AnyModel) and from a file on disk;
/// each must be refused with Errc::invalid_model and a message containing `message`.
template <class M>
void check_refused(const M& bad, const std::string& message) {
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(bad), Errc::invalid_model,
                            message);  // save refuses it too
    for (const std::string& bytes : {binary_file_of(bad), json_file_of(bad)}) {
        INFO((bytes[0] == '{' ? "json" : "binary"));
        BRINE_CHECK_THROWS_CODE(brine::from_bytes<M>(bytes), Errc::invalid_model, message);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bytes), Errc::invalid_model, message);
    }
    TempDir dir;
    write_all(dir.file("bad.brine"), binary_file_of(bad));
    BRINE_CHECK_THROWS_CODE(brine::load<M>(dir.file("bad.brine")), Errc::invalid_model, message);
}

brine::DecisionTree tree_with(std::vector<std::int32_t> left, std::vector<std::int32_t> right) {
    brine::DecisionTree t = fixtures::tree_classifier();
    for (Eigen::Index i = 0; i < t.n_nodes(); ++i) {
        t.children_left(i) = left[static_cast<std::size_t>(i)];
        t.children_right(i) = right[static_cast<std::size_t>(i)];
    }
    return t;
}

}  // namespace

TEST_CASE("the splice technique loads a valid model, so each refusal below is the model's",
          "[io][hostile]") {
    CHECK(brine::from_bytes<brine::DecisionTree>(binary_file_of(fixtures::tree_classifier())) ==
          fixtures::tree_classifier());
    CHECK(brine::from_bytes<brine::Pipeline>(json_file_of(fixtures::pipeline_classifier())) ==
          fixtures::pipeline_classifier());
}

TEST_CASE("hostile model: linear regression intercept length differs from the targets",
          "[io][hostile]") {
    brine::LinearRegression m = fixtures::linear();
    m.intercept = fixtures::vec({1, 2});
    check_refused(m, "LinearRegression: intercept has 2 entries for 1 targets");
    brine::LinearRegression multi = fixtures::linear_multi();
    multi.intercept = fixtures::vec({1});
    check_refused(multi, "LinearRegression: intercept has 1 entries for 2 targets");
}

TEST_CASE("hostile model: linear regression without coefficients", "[io][hostile]") {
    brine::LinearRegression m = fixtures::linear();
    m.coef.resize(1, 0);
    check_refused(m, "LinearRegression: coef must be at least 1 x 1, is 1 x 0");
    m.coef.resize(0, 0);
    m.intercept.resize(0);
    check_refused(m, "LinearRegression: coef must be at least 1 x 1, is 0 x 0");
}

TEST_CASE("hostile model: NaN and infinite linear coefficients and intercepts", "[io][hostile]") {
    brine::LinearRegression m = fixtures::linear();
    m.coef(0, 1) = kNaN;
    check_refused(m, "LinearRegression: coef[1] is not finite (NaN or infinity)");
    brine::LinearRegression multi = fixtures::linear_multi();
    multi.coef(1, 2) = -kInf;
    check_refused(multi, "LinearRegression: coef[1, 2] is not finite");
    brine::LinearRegression b = fixtures::linear();
    b.intercept(0) = kInf;
    check_refused(b, "LinearRegression: intercept[0] is not finite");
}

TEST_CASE("hostile model: logistic regression class count differs from the score rows",
          "[io][hostile]") {
    brine::LogisticRegression m = fixtures::logistic_multi();  // 3 classes, 3 x 2 coef
    m.classes = fixtures::vec({0, 1, 2, 3});
    check_refused(m,
                  "LogisticRegression: coef is 3 x 2, expected 4 x n_features (n_features >= 1) "
                  "for 4 classes");
    brine::LogisticRegression b = fixtures::logistic_binary();  // 2 classes: one row of coef
    b.coef.resize(2, 2);
    b.coef.setOnes();
    b.intercept = fixtures::vec({0, 0});
    check_refused(b,
                  "LogisticRegression: coef is 2 x 2, expected 1 x n_features (n_features >= 1) "
                  "for 2 classes");
}

TEST_CASE("hostile model: logistic regression intercept length", "[io][hostile]") {
    brine::LogisticRegression m = fixtures::logistic_multi();
    m.intercept = fixtures::vec({0, 1});
    check_refused(m, "LogisticRegression: intercept has 2 entries, expected 3");
}

TEST_CASE("hostile model: logistic regression classes unsorted, repeated, single or NaN",
          "[io][hostile]") {
    brine::LogisticRegression m = fixtures::logistic_multi();
    m.classes = fixtures::vec({0, 2, 1});
    check_refused(
        m, "LogisticRegression: classes must be strictly increasing, but classes[2] <= classes[1]");
    m.classes = fixtures::vec({0, 1, 1});
    check_refused(m, "classes[2] <= classes[1]");
    m.classes = fixtures::vec({0, kNaN, 2});
    check_refused(m, "LogisticRegression: classes[1] is not finite");
    brine::LogisticRegression one = fixtures::logistic_binary();
    one.classes = fixtures::vec({1});
    check_refused(one, "LogisticRegression: needs at least 2 classes, has 1");
}

TEST_CASE("hostile model: NaN and infinite logistic coefficients", "[io][hostile]") {
    brine::LogisticRegression m = fixtures::logistic_multi();
    m.coef(2, 1) = kInf;
    check_refused(m, "LogisticRegression: coef[2, 1] is not finite");
    m = fixtures::logistic_multi();
    m.intercept(1) = kNaN;
    check_refused(m, "LogisticRegression: intercept[1] is not finite");
}

TEST_CASE("hostile model: tree child index out of range", "[io][hostile]") {
    check_refused(tree_with({1, -1, 5, -1, -1}, {2, -1, 4, -1, -1}),
                  "DecisionTree: node 2 has child 5; children must be in (2, 5)");
    check_refused(
        tree_with({1, -1, 3, -1, -1}, {2, -1, std::numeric_limits<std::int32_t>::max(), -1, -1}),
        "DecisionTree: node 2 has child 2147483647; children must be in (2, 5)");
}

TEST_CASE("hostile model: tree child index negative but not the leaf marker -1", "[io][hostile]") {
    check_refused(tree_with({1, -1, 3, -1, -1}, {-7, -1, 4, -1, -1}),
                  "DecisionTree: node 0 has child -7; children must be in (0, 5)");
    check_refused(tree_with({1, -1, -2, -1, -1}, {2, -1, 4, -1, -1}),
                  "DecisionTree: node 2 has child -2; children must be in (2, 5)");
    check_refused(
        tree_with({1, -1, std::numeric_limits<std::int32_t>::min(), -1, -1}, {2, -1, 4, -1, -1}),
        "node 2 has child -2147483648");
}

TEST_CASE("hostile model: tree child pointing backwards (a cycle) or to itself", "[io][hostile]") {
    check_refused(tree_with({1, -1, 0, -1, -1}, {2, -1, 4, -1, -1}),
                  "DecisionTree: node 2 has child 0; children must be in (2, 5)");
    check_refused(tree_with({1, -1, 3, -1, -1}, {2, -1, 2, -1, -1}),
                  "DecisionTree: node 2 has child 2; children must be in (2, 5)");
    check_refused(tree_with({1, -1, 3, -1, -1}, {2, -1, 1, -1, -1}), "node 2 has child 1");
}

TEST_CASE("hostile model: tree node shared by two parents", "[io][hostile]") {
    // Both children point forward, so only the in-degree check can see it.
    brine::DecisionTree t = tree_with({1, 3, 3, -1, -1}, {2, 4, 4, -1, -1});
    t.feature(1) = 0;
    t.threshold(1) = 1.0;
    check_refused(t, "DecisionTree: node 3 is the child of two nodes");
    check_refused(tree_with({1, -1, 3, -1, -1}, {2, -1, 3, -1, -1}),
                  "DecisionTree: node 2 has node 3 as both children");
}

TEST_CASE("hostile model: tree node with one child, or unreachable", "[io][hostile]") {
    check_refused(tree_with({1, -1, -1, -1, -1}, {2, -1, 4, -1, -1}),
                  "DecisionTree: node 2 has one child: children_left -1, children_right 4");
    check_refused(tree_with({1, -1, -1, -1, -1}, {2, -1, -1, -1, -1}),
                  "DecisionTree: node 3 is unreachable (no parent)");
}

TEST_CASE("hostile model: tree split feature outside 0 to n_features - 1", "[io][hostile]") {
    brine::DecisionTree t = fixtures::tree_classifier();  // 2 features
    t.feature(0) = 2;
    check_refused(t, "DecisionTree: node 0 splits on feature 2, expected 0 <= feature < 2");
    t = fixtures::tree_classifier();
    t.feature(2) = -2;  // the leaf marker at a split
    check_refused(t, "DecisionTree: node 2 splits on feature -2, expected 0 <= feature < 2");
    t = fixtures::tree_classifier();
    t.n_features_in = 1;  // feature 1 is used at the root
    check_refused(t, "DecisionTree: node 0 splits on feature 1, expected 0 <= feature < 1");
    t.n_features_in = 0;
    check_refused(t, "DecisionTree: n_features must be >= 1, is 0");
    t.n_features_in = -5;
    check_refused(t, "DecisionTree: n_features must be >= 1, is -5");
}

TEST_CASE("hostile model: tree node arrays of different lengths", "[io][hostile]") {
    brine::DecisionTree t = fixtures::tree_classifier();
    t.feature.conservativeResize(4);
    check_refused(t, "DecisionTree: feature has 4 entries for 5 nodes");
    t = fixtures::tree_classifier();
    t.threshold.conservativeResize(6);
    t.threshold(5) = 0.5;  // conservativeResize leaves the new entry uninitialised
    check_refused(t, "DecisionTree: threshold has 6 entries for 5 nodes");
    t = fixtures::tree_classifier();
    t.value.conservativeResize(3, 2);
    check_refused(t, "DecisionTree: value has 3 rows for 5 nodes");
}

TEST_CASE("hostile model: tree with no nodes", "[io][hostile]") {
    brine::DecisionTree t = fixtures::tree_classifier();
    t.children_left.resize(0);
    t.children_right.resize(0);
    t.feature.resize(0);
    t.threshold.resize(0);
    t.value.resize(0, 2);
    check_refused(t, "DecisionTree: has no nodes");
}

TEST_CASE("hostile model: tree class count differs from the probability columns", "[io][hostile]") {
    brine::DecisionTree t = fixtures::tree_classifier();
    t.classes = fixtures::vec({3, 7, 9});
    check_refused(t, "DecisionTree: value has 2 columns for 3 classes");
    t = fixtures::tree_regressor();
    t.classes = fixtures::vec({0, 1});
    check_refused(t, "DecisionTree: a regressor has no classes");
    t = fixtures::tree_regressor();
    t.value.resize(3, 2);
    t.value.setZero();
    check_refused(t, "DecisionTree: a regressor's value has 1 column, not 2");
}

TEST_CASE("hostile model: tree leaf values that are not probabilities", "[io][hostile]") {
    brine::DecisionTree t = fixtures::tree_classifier();
    t.value(1, 0) = 0.7;  // leaf 1: 0.7 + 0 != 1
    check_refused(t, "DecisionTree: leaf 1 class probabilities sum to 0.700000, not 1");
    t.value(1, 0) = 1.5;
    t.value(1, 1) = -0.5;
    check_refused(t, "DecisionTree: leaf 1 has a negative class probability");
}

TEST_CASE("hostile model: NaN thresholds and non-finite tree values", "[io][hostile]") {
    brine::DecisionTree t = fixtures::tree_classifier();
    t.threshold(0) = kNaN;
    check_refused(t, "DecisionTree: node 0 has a NaN threshold");
    t = fixtures::tree_classifier();
    t.value(3, 1) = kNaN;
    check_refused(t, "DecisionTree: value[3, 1] is not finite");
    brine::DecisionTree r = fixtures::tree_regressor();
    r.value(2, 0) = -kInf;
    check_refused(r, "DecisionTree: value[2] is not finite");
    t = fixtures::tree_classifier();
    t.classes(1) = kInf;
    check_refused(t, "DecisionTree: classes[1] is not finite");
}

TEST_CASE("hostile model: scalers with a zero, NaN or infinite parameter", "[io][hostile]") {
    brine::StandardScaler s = fixtures::standard_scaler();
    s.scale(1) = 0;
    check_refused(s, "StandardScaler: scale[1] is 0");
    s = fixtures::standard_scaler();
    s.mean(0) = kNaN;
    check_refused(s, "StandardScaler: mean[0] is not finite");
    s = fixtures::standard_scaler();
    s.scale(0) = -kInf;
    check_refused(s, "StandardScaler: scale[0] is not finite");
    brine::MinMaxScaler mm = fixtures::min_max_scaler();
    mm.min(1) = kInf;
    check_refused(mm, "MinMaxScaler: min[1] is not finite");
    mm = fixtures::min_max_scaler();
    mm.scale(0) = kNaN;
    check_refused(mm, "MinMaxScaler: scale[0] is not finite");
}

TEST_CASE("hostile model: scaler vectors of different lengths, or none", "[io][hostile]") {
    brine::StandardScaler s = fixtures::standard_scaler();
    s.scale = fixtures::vec({1});
    check_refused(s, "StandardScaler: scale has 1 entries, mean has 2");
    s.mean.resize(0);
    s.scale.resize(0);
    check_refused(s, "StandardScaler: has no features");
    brine::MinMaxScaler mm = fixtures::min_max_scaler();
    mm.min = fixtures::vec({0, 0, 0});
    check_refused(mm, "MinMaxScaler: min has 3 entries, scale has 2");
}

TEST_CASE("hostile model: every invariant of MaxAbsScaler and RobustScaler", "[io][hostile]") {
    brine::MaxAbsScaler ma = fixtures::max_abs_scaler();
    ma.scale(1) = 0;
    check_refused(ma, "MaxAbsScaler: scale[1] is 0");
    ma.scale(0) = kNaN;
    check_refused(ma, "MaxAbsScaler: scale[0] is not finite");
    ma.scale.resize(0);
    check_refused(ma, "MaxAbsScaler: has no features");

    brine::RobustScaler r = fixtures::robust_scaler();
    r.scale(1) = 0;
    check_refused(r, "RobustScaler: scale[1] is 0");
    r = fixtures::robust_scaler();
    r.scale(0) = kInf;
    check_refused(r, "RobustScaler: scale[0] is not finite");
    r = fixtures::robust_scaler();
    r.center(1) = -kInf;
    check_refused(r, "RobustScaler: center[1] is not finite");
    r = fixtures::robust_scaler();
    r.center = fixtures::vec({1, 2, 3});
    check_refused(r,
                  "RobustScaler: center has 3 entries for 2 features (expected that many, or "
                  "none)");
    r = fixtures::robust_scaler_no_centering();
    r.scale = fixtures::vec({1});
    check_refused(r,
                  "RobustScaler: scale has 1 entries for 2 features (expected that many, or "
                  "none)");
    r.n_features_in = 0;
    r.scale.resize(0);
    check_refused(r, "RobustScaler: has no features");
    r.n_features_in = -5;
    check_refused(r, "RobustScaler: has no features");
}

TEST_CASE("hostile model: LogisticRegression's multi_class", "[io][hostile]") {
    brine::LogisticRegression m = fixtures::logistic_multi();
    m.multi_class = static_cast<brine::LogisticRegression::MultiClass>(7);
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(m), Errc::invalid_model,
                            "LogisticRegression: multi_class is 7, expected multinomial (0) or ovr "
                            "(1)");
    // A value other than the two names, in either encoding, is refused by the reader.
    const brine::LogisticRegression ovr = fixtures::logistic_ovr();
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        std::string bytes = brine::to_bytes(ovr, f, fixed_time());
        const auto at = bytes.find("ovr");
        REQUIRE(at != std::string::npos);
        bytes.replace(at, 3, "OVR");
        if (f == brine::Format::binary) resign(bytes);  // JSON: the payload is read first
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bytes), Errc::malformed,
                                "multi_class 'OVR', expected 'multinomial' or 'ovr'");
    }
}

TEST_CASE("hostile model: every invariant of OneHotEncoder", "[io][hostile]") {
    brine::OneHotEncoder e = fixtures::one_hot_encoder();  // categories {5 | 4}
    e.categories(2) = e.categories(1);
    check_refused(e,
                  "OneHotEncoder: feature 0: category 2 (categories[2]) is 0.75, not greater "
                  "than the category before it (0.75); categories must be sorted and unique");
    e = fixtures::one_hot_encoder();
    e.categories(6) = -9;  // feature 1's second category below its first
    check_refused(e, "OneHotEncoder: feature 1: category 1 (categories[6]) is -9, not greater");
    e = fixtures::one_hot_encoder();
    e.categories(0) = kNaN;
    check_refused(e,
                  "OneHotEncoder: feature 0: category 0 (categories[0]) is NaN but not the last");
    e = fixtures::one_hot_encoder();
    e.categories(8) = kInf;
    check_refused(e, "OneHotEncoder: feature 1: category 3 (categories[8]) is infinite");
    e = fixtures::one_hot_encoder();
    e.n_categories = fixtures::ivec({5, 5});
    check_refused(e, "OneHotEncoder: n_categories add up to 10, categories has 9 entries");
    e.n_categories = fixtures::ivec({9, 0});
    check_refused(e, "OneHotEncoder: n_categories[1] is 0 (every feature has at least 1 category)");
    e.n_categories = fixtures::ivec({-2147483647 - 1, 9});
    check_refused(e, "OneHotEncoder: n_categories[0] is -2147483648");
    e.n_categories.resize(0);
    check_refused(e, "OneHotEncoder: has no features");
    e = fixtures::one_hot_encoder();
    e.drop_idx = fixtures::ivec({0, 4});
    check_refused(e,
                  "OneHotEncoder: drop_idx[1] is 4 (expected -1 for none, or 0 to 3: feature 1 "
                  "has 4 categories)");
    e.drop_idx = fixtures::ivec({-2, 0});
    check_refused(e, "OneHotEncoder: drop_idx[0] is -2");
    e.drop_idx = fixtures::ivec({0, 0, 0});
    check_refused(e,
                  "OneHotEncoder: drop_idx has 3 entries for 2 features (expected that many, "
                  "or none)");
    // handle_unknown: a value other than the two names is refused by the reader; the writer never
    // writes one.
    e = fixtures::one_hot_encoder();
    e.handle_unknown = static_cast<brine::HandleUnknown>(2);
    BRINE_CHECK_THROWS_CODE(brine::to_bytes(e), Errc::invalid_model,
                            "OneHotEncoder: handle_unknown is 2 (expected 0 for error or 1 for "
                            "ignore)");
    for (brine::Format f : {brine::Format::binary, brine::Format::json}) {
        std::string bytes = brine::to_bytes(fixtures::one_hot_encoder_drop(), f, fixed_time());
        const auto at = bytes.find("ignore");
        REQUIRE(at != std::string::npos);
        bytes.replace(at, 6, "ignor_");
        if (f == brine::Format::binary) resign(bytes);
        BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(bytes), Errc::malformed,
                                "handle_unknown 'ignor_', expected 'error' or 'ignore'");
    }
}

TEST_CASE("hostile model: a one-hot encoder's reference check is charged for its output width",
          "[io][hostile]") {
    // W per row = n_features + width (the outputs compared) + C = width (zeros) + the binary
    // search's steps (bit width of k, plus 1, per feature). The stored outputs are rows x width
    // values of the file, so the check stays linear in the file's size.
    const Eigen::Index k = 1024;
    Eigen::VectorXd cats(k + 2);
    for (Eigen::Index c = 0; c < k; ++c) cats(c) = static_cast<double>(c);
    cats(k) = 0.5;
    cats(k + 1) = kNaN;
    const brine::OneHotEncoder wide(cats, fixtures::ivec({std::int32_t(k), 2}),
                                    fixtures::ivec({-1, 0}), brine::HandleUnknown::ignore);
    wide.validate();
    CHECK(brine::detail::row_cost(wide) == std::uint64_t(k + 1) + 11 + 2);
    CHECK(brine::detail::reference_work(wide, 3) == 3 * (2 + 2 * std::uint64_t(k + 1) + 13));
    CHECK(brine::detail::model_elements(wide) == std::uint64_t(k + 2 + 2 + 2));
    brine::SaveOptions so = fixed_time();
    so.reference_inputs = Eigen::MatrixXd::Zero(8, 2);
    so.reference_inputs(1, 0) = 1023;
    so.reference_inputs(2, 1) = kNaN;
    CHECK(brine::from_bytes<brine::OneHotEncoder>(brine::to_bytes(wide, brine::Format::json, so)) ==
          wide);
}

TEST_CASE("hostile model: pipeline step widths that do not chain", "[io][hostile]") {
    // A 2-feature scaler feeding a 3-feature scaler.
    brine::Pipeline p({fixtures::standard_scaler(),
                       brine::MinMaxScaler(fixtures::vec({1, 1, 1}), fixtures::vec({0, 0, 0}))},
                      fixtures::linear());
    check_refused(p, "Pipeline: step 1 expects 3 features but the step before it produces 2");
    // A 2-feature scaler feeding a 3-feature estimator.
    brine::Pipeline q({fixtures::standard_scaler()}, fixtures::linear());
    check_refused(q, "Pipeline: estimator expects 3 features but the step before it produces 2");
    brine::Pipeline t({fixtures::min_max_scaler()}, fixtures::tree_regressor());
    check_refused(t, "Pipeline: estimator expects 1 features but the step before it produces 2");
    // A robust scaler of 3 features (and no parameters) after a 2-feature max-abs scaler.
    brine::Pipeline u(
        {fixtures::max_abs_scaler(), brine::RobustScaler(3, Eigen::VectorXd(), Eigen::VectorXd())},
        fixtures::linear());
    check_refused(u, "Pipeline: step 1 expects 3 features but the step before it produces 2");
}

TEST_CASE("hostile model: an invalid step or estimator inside a pipeline", "[io][hostile]") {
    brine::StandardScaler s = fixtures::standard_scaler();
    s.scale(0) = 0;
    check_refused(brine::Pipeline({fixtures::min_max_scaler(), s}, fixtures::logistic_multi()),
                  "Pipeline step 1: StandardScaler: scale[0] is 0");
    check_refused(brine::Pipeline({}, tree_with({1, -1, 0, -1, -1}, {2, -1, 4, -1, -1})),
                  "Pipeline estimator: DecisionTree: node 2 has child 0");
    brine::LogisticRegression l = fixtures::logistic_multi();
    l.coef(0, 0) = kNaN;
    check_refused(brine::Pipeline({fixtures::standard_scaler()}, l),
                  "Pipeline estimator: LogisticRegression: coef[0, 0] is not finite");
}

// ---- Tree ensembles
// ------------------------------------------------------------------------------

TEST_CASE("hostile model: tree ensemble offsets, outputs and node structure", "[io][hostile]") {
    using E = brine::TreeEnsemble;
    const E f = fixtures::ensemble_forest();
    auto with = [&](auto change) {
        E e = f;
        change(e);
        return e;
    };
    check_refused(with([](E& e) { e.tree_offsets(1) = 9; }),
                  "TreeEnsemble: tree_offsets must be strictly increasing, but tree_offsets[2] <= "
                  "tree_offsets[1]");
    check_refused(with([](E& e) { e.tree_offsets(1) = -3; }),
                  "TreeEnsemble: tree_offsets must be strictly increasing, but tree_offsets[1] <= "
                  "tree_offsets[0]");
    check_refused(with([](E& e) { e.tree_offsets(2) = 100; }),
                  "TreeEnsemble: the trees end at node 100, the node arrays hold 8 nodes");
    check_refused(with([](E& e) { e.tree_output(0) = -1; }),
                  "TreeEnsemble: tree 0 adds to scores [-1, 2), there are 3");
    check_refused(with([](E& e) { e.tree_output(1) = 2147483647; }),
                  "TreeEnsemble: tree 1 adds to scores [2147483647");
    // A child index that would point into the next tree, backwards, or past the arrays.
    check_refused(with([](E& e) { e.children_right(2) = 5; }),
                  "TreeEnsemble: tree 0, node 2 has child 5; children must be in (2, 5)");
    check_refused(with([](E& e) { e.children_left(5) = 0; }),
                  "TreeEnsemble: tree 1, node 0 has child 0; children must be in (0, 3)");
    check_refused(with([](E& e) { e.children_left(0) = -7; }),
                  "TreeEnsemble: tree 0, node 0 has child -7; children must be in (0, 5)");
    check_refused(
        with([](E& e) { e.feature(5) = 2147483647; }),
        "TreeEnsemble: tree 1, node 0 splits on feature 2147483647, expected 0 <= feature "
        "< 2");
    check_refused(with([](E& e) { e.default_left(5) = 255; }),
                  "TreeEnsemble: tree 1, node 0 has default_left 255, expected 0 or 1");
    check_refused(with([](E& e) { e.threshold(5) = kNaN; }),
                  "TreeEnsemble: tree 1, node 0 has a NaN threshold");
    check_refused(with([](E& e) { e.value(6, 2) = kInf; }),
                  "TreeEnsemble: value[6, 2] is not finite");
    check_refused(with([](E& e) { e.base_score(1) = -kInf; }),
                  "TreeEnsemble: base_score[1] is not finite");
    check_refused(with([](E& e) { e.classes(1) = kNaN; }),
                  "TreeEnsemble: classes[1] is not finite");
    check_refused(with([](E& e) { e.link = E::Link::logistic; }),
                  "TreeEnsemble: a logistic link needs 2 classes and 1 score");
    E b = fixtures::ensemble_boosted_binary();
    b.threshold(0) = 0.1;
    check_refused(b, "TreeEnsemble: tree 0, node 0 has threshold 0.100000, not a float32 value");
}

/// The binary payload of an ensemble as save writes it, with n_trees and n_nodes replaced.
std::string ensemble_payload(const brine::TreeEnsemble& e, std::uint64_t n_trees,
                             std::uint64_t n_nodes) {
    std::string payload;
    {
        brine::BinaryOutputArchive ar(payload);
        std::uint32_t version = 1;
        std::string task = "classification", compare = "float32_le", aggregation = "average",
                    accumulation = "float64", link = "identity";
        ar(version, task, e.n_features_in, compare, aggregation, accumulation, link, n_trees,
           n_nodes, e.classes, e.base_score, e.tree_offsets, e.tree_output, e.children_left,
           e.children_right, e.feature, e.threshold, e.default_left, e.value);
    }
    return payload;
}

std::string ensemble_file(const std::string& payload) {
    const std::string good =
        brine::to_bytes(fixtures::ensemble_forest(), brine::Format::binary, fixed_time());
    const auto s = brine::detail::split_binary(good);
    std::string out =
        good.substr(0, s.payload_offset - 8) + u64(payload.size()) + payload + std::string(8, '\0');
    resign(out);
    return out;
}

TEST_CASE("hostile model: tree ensemble counts are checked before any array is read",
          "[io][hostile]") {
    const brine::TreeEnsemble f = fixtures::ensemble_forest();
    // The splice of the true counts loads: each refusal below is the counts'.
    CHECK(brine::from_bytes<brine::TreeEnsemble>(ensemble_file(ensemble_payload(f, 2, 8))) == f);
    for (const std::uint64_t n : {std::uint64_t{1} << 26 | 1, std::uint64_t{1} << 31,
                                  std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
        BRINE_CHECK_THROWS_CODE(
            brine::from_bytes_any(ensemble_file(ensemble_payload(f, 2, n))), Errc::limit_exceeded,
            "tree ensemble of " + std::to_string(n) + " nodes exceeds the limit of 67108864");
    }
    brine::LoadOptions small;
    small.max_nodes = 7;
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes<brine::TreeEnsemble>(ensemble_file(ensemble_payload(f, 2, 8)), small),
        Errc::limit_exceeded, "tree ensemble of 8 nodes exceeds the limit of 7");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(ensemble_file(ensemble_payload(f, 9, 8))), Errc::malformed,
        "tree ensemble of 9 trees and 8 nodes: every tree has at least one node");
    // Counts that disagree with the arrays.
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(ensemble_file(ensemble_payload(f, 1, 8))),
                            Errc::malformed, "tree_offsets has 3 entries for n_trees + 1 = 2");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(ensemble_file(ensemble_payload(f, 2, 9))),
                            Errc::malformed, "children_left has 8 entries for n_nodes 9");
}

// ---- Tree ensembles, schema 2: the binary encoding's packed node arrays ----------------------

namespace hostile_packed {

/// A schema-2 payload up to base_score, with the given counts.
std::string head(const brine::TreeEnsemble& e, std::uint64_t n_trees, std::uint64_t n_nodes) {
    namespace d = brine::detail;
    std::string payload;
    brine::BinaryOutputArchive ar(payload);
    std::uint32_t version = 2;
    ar(version, d::ensemble_task.name_of(e.task), e.n_features_in,
       d::tree_compare_names.name_of(e.compare), d::ensemble_aggregation.name_of(e.aggregation),
       d::ensemble_accumulation.name_of(e.accumulation), d::ensemble_link.name_of(e.link), n_trees,
       n_nodes, e.classes, e.base_score);
    return payload;
}

/// A packed int array: count, width byte, then each value in `width` bytes.
std::string ints(std::uint64_t count, unsigned width, const brine::IndexVector& v) {
    std::string s = u64(count) + static_cast<char>(width);
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        const auto u = static_cast<std::uint32_t>(v(i));
        for (unsigned b = 0; b < width; ++b) s += static_cast<char>((u >> (8 * b)) & 0xff);
    }
    return s;
}

std::string matrix(const Eigen::Ref<const brine::RowMatrix>& m) {
    std::string s;
    brine::BinaryOutputArchive ar(s);
    ar(brine::RowMatrix(m));
    return s;
}

/// The payload of e with its packed arrays as given (the others as save writes them).
struct Parts {
    std::string offsets, output, left, right, feature, bits;
};

Parts parts_of(const brine::TreeEnsemble& e) {
    Parts p;
    const auto n = static_cast<std::uint64_t>(e.n_nodes());
    p.offsets = ints(static_cast<std::uint64_t>(e.tree_offsets.size()), 1, e.tree_offsets);
    p.output = ints(static_cast<std::uint64_t>(e.tree_output.size()), 1, e.tree_output);
    p.left = ints(n, 1, e.children_left);
    p.right = ints(n, 1, e.children_right);
    p.feature = ints(n, 1, e.feature);
    p.bits = u64(n);
    for (std::uint64_t k = 0; k < (n + 7) / 8; ++k) {
        unsigned byte = 0;
        for (std::uint64_t j = 0; j < 8 && 8 * k + j < n; ++j)
            byte |= static_cast<unsigned>(e.default_left(static_cast<Eigen::Index>(8 * k + j)))
                    << j;
        p.bits += static_cast<char>(byte);
    }
    return p;
}

std::string file(const brine::TreeEnsemble& e, const Parts& p, const std::string& head_bytes) {
    std::string threshold;
    {
        brine::BinaryOutputArchive ar(threshold);
        ar(e.threshold);
    }
    return ensemble_file(head_bytes + p.offsets + p.output + p.left + p.right + p.feature +
                         threshold + p.bits + matrix(e.value));
}

}  // namespace hostile_packed

TEST_CASE("hostile model: tree ensemble schema 2, packed arrays", "[io][hostile]") {
    namespace hp = hostile_packed;
    const brine::TreeEnsemble f = fixtures::ensemble_forest();
    const std::string h = hp::head(f, 2, 8);
    const hp::Parts good = hp::parts_of(f);
    // The hand-built splice is the file save writes, and loads: each refusal below is its change.
    const std::string spliced = hp::file(f, good, h);
    CHECK(brine::from_bytes<brine::TreeEnsemble>(spliced) == f);
    CHECK(brine::detail::split_binary(spliced).payload ==
          brine::detail::split_binary(brine::to_bytes(f, brine::Format::binary)).payload);
    // Head: 8-byte u64 fields... the payload offset of children_left's width byte.
    const std::size_t left_width_at = brine::detail::split_binary(spliced).payload_offset +
                                      h.size() + good.offsets.size() + good.output.size() + 8;
    auto with = [&](auto change) {
        hp::Parts p = good;
        change(p);
        return hp::file(f, p, h);
    };

    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with(
                                [&](hp::Parts& p) { p.left = hp::ints(8, 3, f.children_left); })),
                            Errc::malformed,
                            "children_left width byte 3, expected 1, 2 or 4 at byte " +
                                std::to_string(left_width_at + 1));
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with(
                                [&](hp::Parts& p) { p.left = hp::ints(8, 0, f.children_left); })),
                            Errc::malformed, "children_left width byte 0, expected 1, 2 or 4");
    // A wider width than the values need: one model has one encoding.
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(with([&](hp::Parts& p) { p.feature = hp::ints(8, 2, f.feature); })),
        Errc::malformed,
        "feature width byte 2 where its values (-2 to 1) need 1: a writer uses the narrowest "
        "width, at byte");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with(
                                [&](hp::Parts& p) { p.offsets = hp::ints(3, 4, f.tree_offsets); })),
                            Errc::malformed, "tree_offsets width byte 4 where its values (0 to 8)");
    // Counts that disagree with n_nodes / n_trees, refused before anything is allocated.
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with(
                                [&](hp::Parts& p) { p.right = hp::ints(7, 1, f.children_right); })),
                            Errc::malformed, "children_right has 7 entries for n_nodes 8");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with([&](hp::Parts& p) {
                                p.output = hp::ints(std::uint64_t{1} << 62, 1, f.tree_output);
                            })),
                            Errc::malformed,
                            "tree_output has 4611686018427387904 entries for n_trees 2");
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(with([&](hp::Parts& p) { p.bits = u64(9) + p.bits.substr(8); })),
        Errc::malformed, "default_left has 9 entries for n_nodes 8");
    // Values out of range for the node count are validate()'s, as in schema 1.
    brine::TreeEnsemble far = f;
    far.children_left(0) = 100;
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(
            with([&](hp::Parts& p) { p.left = hp::ints(8, 1, far.children_left); })),
        Errc::invalid_model,
        "TreeEnsemble: tree 0, node 0 has child 100; children must be in (0, 5)");
    far = f;
    far.tree_offsets(1) = -3;
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(with([&](hp::Parts& p) {
                                p.offsets = hp::ints(3, 1, far.tree_offsets);
                            })),
                            Errc::invalid_model, "tree_offsets must be strictly increasing");

    // Bits: 9 nodes take two bytes, of which 7 high bits of the last are unused and must be 0.
    const brine::TreeEnsemble b = fixtures::ensemble_boosted_binary();
    const std::string hb = hp::head(b, 3, 9);
    const hp::Parts bgood = hp::parts_of(b);
    CHECK(brine::from_bytes<brine::TreeEnsemble>(hp::file(b, bgood, hb)) == b);
    hp::Parts trailing = bgood;
    trailing.bits.back() = static_cast<char>(trailing.bits.back() | 0x02);
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(hp::file(b, trailing, hb)), Errc::malformed,
                            "default_left: the last byte is 0x");
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(hp::file(b, trailing, hb)), Errc::malformed,
                            "whose 7 unused high bits must be 0 (9 flags), at byte");
    // The bits run out: the payload ends inside them.
    hp::Parts cut = bgood;
    cut.bits = u64(9) + cut.bits.substr(8, 1);
    const std::string head_cut = hb + cut.offsets + cut.output + cut.left + cut.right + cut.feature;
    std::string threshold;
    {
        brine::BinaryOutputArchive ar(threshold);
        ar(b.threshold);
    }
    BRINE_CHECK_THROWS_CODE(brine::from_bytes_any(ensemble_file(head_cut + threshold + cut.bits)),
                            Errc::truncated, "needed 2 bytes for 'payload.default_left'");
    // Limits before allocation, as in schema 1.
    BRINE_CHECK_THROWS_CODE(
        brine::from_bytes_any(hp::file(f, good, hp::head(f, 2, std::uint64_t{1} << 40))),
        Errc::limit_exceeded, "tree ensemble of 1099511627776 nodes exceeds the limit of 67108864");
}

TEST_CASE("tree ensemble schema 2: widths 1, 2 and 4 round-trip exactly, in memory and streamed",
          "[io][hostile]") {
    brine::TreeEnsemble e = fixtures::ensemble_wide();
    const brine::TreeEnsemble two = e;
    // A leaf's feature is never read, so any int32 stands there: one that needs 4 bytes.
    e.feature(1) = -40000;
    e.feature(3) = std::numeric_limits<std::int32_t>::min();
    for (const auto& m : {two, e}) {
        const std::string bin = brine::to_bytes(m, brine::Format::binary);
        CHECK(brine::from_bytes<brine::TreeEnsemble>(bin) == m);
        CHECK(brine::from_bytes<brine::TreeEnsemble>(brine::to_bytes(m, brine::Format::json)) == m);
        TempDir dir;
        brine::save(m, dir.file("m.brine"));
        // Streamed (read in chunks) and in memory: one decoder, the same model.
        CHECK(brine::detail::load_model_file<brine::TreeEnsemble>(dir.file("m.brine"), {}, 0) == m);
        CHECK(brine::detail::load_model_file<brine::TreeEnsemble>(dir.file("m.brine"), {},
                                                                  ~std::uint64_t{0}) == m);
    }
    // The narrowest width per array: 2-byte children, 1-byte features, then 4-byte features.
    CHECK(brine::detail::packed_width(two.children_left) == 2);
    CHECK(brine::detail::packed_width(two.feature) == 1);
    CHECK(brine::detail::packed_width(e.feature) == 4);
    CHECK(brine::detail::packed_width(-129, 0) == 2);
    CHECK(brine::detail::packed_width(0, 32768) == 4);
    CHECK(brine::detail::packed_width(-32768, 32767) == 2);
    CHECK(brine::detail::packed_width(-128, 127) == 1);
}
