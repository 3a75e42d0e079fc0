// brine::import_xgboost against XGBoost 1.7: models trained and saved (JSON and UBJSON) by
// tests/reference/make_xgboost_import_reference.py predict XGBoost's own margins bit for bit and
// its probabilities within 1e-6 on every dataset row and next to every threshold; hand-built and
// damaged files are refused with the error code and a message naming what and where.
// SPDX-License-Identifier: MIT
#include <brine/import/xgboost.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "brine/brine.hpp"
#include "brine_catch.hpp"
#include "csv.hpp"
#include "test_data.hpp"

namespace xgboost_import_test {

using brine::Errc;
using brine::TreeEnsemble;
using brine::test::read_csv;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string case_dir(const std::string& name) {
    return test_data::dir() + "/xgboost_import/" + name + "/";
}

/// The rows XGBoost predicted: inputs.csv's edits of the dataset's rows (with the NaN pattern of
/// the *_nan cases, as the script applies it).
Eigen::MatrixXd case_inputs(const std::string& name) {
    const std::string dir = case_dir(name);
    std::string dataset = slurp(dir + "DATASET");
    while (!dataset.empty() && (dataset.back() == '\n' || dataset.back() == '\r'))
        dataset.pop_back();
    const Eigen::MatrixXd data =
        read_csv(test_data::dir() + "/../../examples/data/" + dataset + ".csv").data;
    Eigen::MatrixXd X = data.leftCols(data.cols() - 1);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, "_nan") == 0) {
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
                if ((7 * i + 3 * j) % 11 == 0) X(i, j) = std::numeric_limits<double>::quiet_NaN();
            }
        }
    }
    const Eigen::MatrixXd edits = read_csv(dir + "inputs.csv").data;
    Eigen::MatrixXd A(edits.rows(), X.cols());
    for (Eigen::Index k = 0; k < edits.rows(); ++k) {
        A.row(k) = X.row(static_cast<Eigen::Index>(edits(k, 0)));
        const auto f = static_cast<Eigen::Index>(edits(k, 1));
        if (f >= 0) A(k, f) = edits(k, 2);
    }
    return A;
}

/// "" when a and b have the same shape and |a - b| <= tol everywhere, else the first difference.
std::string first_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double tol) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return "shapes differ";
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            if (!(std::fabs(a(i, j) - b(i, j)) <= tol)) {
                std::ostringstream s;
                s.precision(17);
                s << "row " << i << " column " << j << ": " << a(i, j) << " vs XGBoost's "
                  << b(i, j);
                return s.str();
            }
        }
    }
    return "";
}

/// Checks the imported model against XGBoost's margins (exactly) and outputs.
void check_against(const brine::XGBoostModel& m, const Eigen::MatrixXd& A,
                   const std::string& expected_file) {
    const brine::test::Csv expected = read_csv(expected_file);
    const TreeEnsemble& e = m.ensemble;
    const Eigen::Index k = e.n_scores();
    REQUIRE(expected.data.rows() == A.rows());
    const Eigen::MatrixXd margin = e.decision_function(A);
    // Margins: float32 leaves added in float32 in tree order onto the float32 base margin, as
    // XGBoost's CPU predictor does: identical.
    REQUIRE(margin.cols() == k);
    REQUIRE(first_difference(margin, expected.data.leftCols(k), 0.0) == "");
    const Eigen::Index out = expected.data.cols() - k;
    const Eigen::MatrixXd xgb_out = expected.data.rightCols(out);
    // Probabilities: XGBoost's sigmoid and softmax run in float32 (expf, a float quotient), brine's
    // in double, so they differ by float32 rounding: 1e-6 absolute on values in [0, 1].
    if (m.objective == "binary:logistic") {
        REQUIRE(first_difference(e.predict_proba(A).rightCols(1), xgb_out, 1e-6) == "");
    } else if (m.objective == "reg:logistic") {
        REQUIRE(first_difference(e.predict(A), xgb_out, 1e-6) == "");
    } else if (m.objective == "multi:softprob") {
        REQUIRE(first_difference(e.predict_proba(A), xgb_out, 1e-6) == "");
    } else {
        // reg:squarederror, reg:squaredlogerror, reg:pseudohubererror and reg:absoluteerror
        // predict the margin itself; multi:softmax the class of the largest margin.
        REQUIRE(first_difference(e.predict(A), xgb_out, 0.0) == "");
    }
}

const char* const reference_cases[] = {
    "reg_squarederror_diabetes_nan",     "reg_logistic_diabetes",
    "binary_logistic_breast_cancer_nan", "binary_logistic_early_stopping",
    "multi_softprob_iris_parallel",      "multi_softmax_wine_lossguide",
    "multi_softprob_early_stopping",     "reg_squaredlogerror_diabetes",
    "reg_pseudohubererror_diabetes_nan", "reg_absoluteerror_diabetes",
};

TEST_CASE("import_xgboost predicts XGBoost's margins exactly and its outputs within 1e-6") {
    for (const std::string name : reference_cases) {
        INFO(name);
        const Eigen::MatrixXd A = case_inputs(name);
        const brine::XGBoostModel json = brine::read_xgboost(case_dir(name) + "model.json");
        const brine::XGBoostModel ubj = brine::read_xgboost(case_dir(name) + "model.ubj");
        REQUIRE(json.encoding == "json");
        REQUIRE(ubj.encoding == "ubjson");
        REQUIRE(json.xgboost_version == "1.7.4");
        // The two encodings hold the same float32 values.
        REQUIRE(json.ensemble == ubj.ensemble);
        REQUIRE(json.ensemble.compare == TreeEnsemble::Compare::float32_lt);
        REQUIRE(json.ensemble.accumulation == TreeEnsemble::Accumulation::float32);
        check_against(json, A, case_dir(name) + "expected.csv");
        // XGBoost 1.7 numbers every child after its parent and these trees have no dead slots, so
        // the nodes keep XGBoost's ids and apply() gives its pred_leaf.
        const Eigen::MatrixXd leaves = read_csv(case_dir(name) + "leaves.csv").data;
        REQUIRE(json.ensemble.apply(A.topRows(leaves.rows())).cast<double>() == leaves);
        // The path and the bytes forms agree.
        REQUIRE(brine::import_xgboost_bytes(slurp(case_dir(name) + "model.ubj")) == json.ensemble);
    }
}

TEST_CASE("import_xgboost honours best_iteration, or uses every tree when asked") {
    for (const std::string name :
         {"binary_logistic_early_stopping", "multi_softprob_early_stopping"}) {
        INFO(name);
        const Eigen::MatrixXd A = case_inputs(name);
        const brine::XGBoostModel best = brine::read_xgboost(case_dir(name) + "model.json");
        REQUIRE(best.best_iteration.has_value());
        REQUIRE(best.rounds_used == *best.best_iteration + 1);
        REQUIRE(best.rounds_used < best.rounds_in_file);
        brine::XGBoostOptions all;
        all.use_best_iteration = false;
        const brine::XGBoostModel every = brine::read_xgboost(case_dir(name) + "model.ubj", all);
        REQUIRE(every.rounds_used == every.rounds_in_file);
        REQUIRE(every.ensemble.n_trees() == every.trees_in_file);
        check_against(every, A, case_dir(name) + "expected_all.csv");
    }
    // num_parallel_tree = 2 and 3 classes: 6 trees a round.
    const brine::XGBoostModel m =
        brine::read_xgboost(case_dir("multi_softprob_early_stopping") + "model.json");
    REQUIRE(m.ensemble.n_trees() == 6 * m.rounds_used);
    REQUIRE(m.trees_in_file == 6 * m.rounds_in_file);
}

TEST_CASE("import_xgboost: the imported model saves and loads as a brine file") {
    const TreeEnsemble e =
        brine::import_xgboost(case_dir("multi_softprob_iris_parallel") + "model.ubj");
    const TreeEnsemble back = brine::from_bytes<TreeEnsemble>(brine::to_bytes(e));
    REQUIRE(back == e);
}

// A hand-built model: XGBoost's ids out of order (children 3 and 4 before their parent 5) and a
// dead slot (node 2, unreachable, as the pruner leaves them). As a function:
//   x0 < 0.5 (missing: left) ? (x1 < 1.5 (missing: right) ? 20 : 30) : 10, plus base_score 0.25.
std::string hand_model(const std::string& split_type = "[0,0,0,0,0,0]",
                       const std::string& objective = "reg:squarederror",
                       const std::string& booster = "gbtree") {
    return R"({"version":[1,7,4],"learner":{"attributes":{},"feature_names":[],"feature_types":[],
"learner_model_param":{"base_score":"2.5E-1","num_class":"0","num_feature":"2","num_target":"1"},
"objective":{"name":")" +
           objective + R"(","reg_loss_param":{"scale_pos_weight":"1"}},
"gradient_booster":{"name":")" +
           booster + R"(","model":{"gbtree_model_param":{"num_parallel_tree":"1",
"num_trees":"1","size_leaf_vector":"0"},"tree_info":[0],"trees":[{"id":0,
"tree_param":{"num_deleted":"1","num_feature":"2","num_nodes":"6","size_leaf_vector":"0"},
"left_children":[5,-1,-1,-1,-1,3],"right_children":[1,-1,-1,-1,-1,4],
"parents":[2147483647,0,2147483647,5,5,0],"split_indices":[0,0,0,0,0,1],
"split_conditions":[5E-1,1E1,9.9E1,2E1,3E1,1.5E0],"default_left":[1,0,0,0,0,0],
"split_type":)" +
           split_type + R"(,"categories":[],"categories_nodes":[],"categories_segments":[],
"categories_sizes":[],"base_weights":[0,0,0,0,0,0],"loss_changes":[0,0,0,0,0,0],
"sum_hessian":[0,0,0,0,0,0],"a_future_key":{"x":[1,2]}}]}},"a_future_learner_key":"y"}})";
}

TEST_CASE("import_xgboost renumbers nodes out of order and drops dead slots") {
    const TreeEnsemble e = brine::import_xgboost_bytes(hand_model());
    REQUIRE(e.n_nodes() == 5);  // the dead slot is gone
    // Breadth-first: 0, 5, 1, 3, 4 -> 0, 1, 2, 3, 4.
    REQUIRE(e.children_left(0) == 1);
    REQUIRE(e.children_right(0) == 2);
    REQUIRE(e.children_left(1) == 3);
    REQUIRE(e.children_right(1) == 4);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const float half = 0.5f, one_half = 1.5f;
    const double below = std::nextafter(half, 0.0f), above = std::nextafter(one_half, 2.0f);
    Eigen::MatrixXd X(7, 2);
    X << 0, 0,             //
        below, 1.4999999,  // both float32 below the thresholds: 20
        0.5, 0,            // x0 == threshold: strict <, right: 10
        0, 1.5,            //
        0, above,          //
        nan, nan,          // x0 missing: left; x1 missing: right
        nan, 0;
    Eigen::VectorXd expected(7);
    expected << 20.25, 20.25, 10.25, 30.25, 30.25, 30.25, 20.25;
    REQUIRE(e.predict(X) == expected);
}

TEST_CASE("import_xgboost ignores unknown keys and reads booleans in default_left") {
    std::string text = hand_model();
    const std::string from = R"("default_left":[1,0,0,0,0,0])";
    text.replace(text.find(from), from.size(),
                 R"("default_left":[true,false,false,false,false,false])");
    REQUIRE(brine::import_xgboost_bytes(text) == brine::import_xgboost_bytes(hand_model()));
}

/// The import of `bytes` fails with `code` and a message containing every one of `parts`.
void require_refused(const std::string& bytes, Errc code, const std::vector<std::string>& parts,
                     const brine::XGBoostOptions& options = {}) {
    try {
        (void)brine::import_xgboost_bytes(bytes, options);
        FAIL("imported");
    } catch (const brine::Error& e) {
        INFO(e.what());
        REQUIRE(e.code() == code);
        for (const auto& part : parts)
            REQUIRE(std::string(e.what()).find(part) != std::string::npos);
    }
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

TEST_CASE("import_xgboost refuses what it does not support, naming it") {
    require_refused(hand_model("[0,0,0,0,0,0]", "reg:gamma"), Errc::unsupported,
                    {"objective 'reg:gamma'", "$.learner.objective.name", "reg:logistic",
                     "reg:pseudohubererror"});
    require_refused(hand_model("[0,0,0,0,0,0]", "survival:cox"), Errc::unsupported,
                    {"'survival:cox'"});
    require_refused(hand_model("[0,0,0,0,0,0]", "reg:squarederror", "dart"), Errc::unsupported,
                    {"booster 'dart'", "DART", "gbtree"});
    require_refused(hand_model("[0,0,0,0,0,0]", "reg:squarederror", "gblinear"), Errc::unsupported,
                    {"booster 'gblinear'"});
    require_refused(
        hand_model("[1,0,0,0,0,0]"), Errc::unsupported,
        {"categorical split", "$.learner.gradient_booster.model.trees[0].split_type[0]"});
    require_refused(replaced(hand_model(), R"("categories_nodes":[])", R"("categories_nodes":[0])"),
                    Errc::unsupported, {"categorical"});
    require_refused(replaced(hand_model(), "[5E-1,", "[NaN,"), Errc::unsupported,
                    {"split_conditions[0]", "categorical"});
    require_refused(replaced(hand_model(), R"("num_target":"1")", R"("num_target":"2")"),
                    Errc::unsupported, {"multi-target"});
    require_refused(replaced(hand_model(), R"("num_nodes":"6","size_leaf_vector":"0")",
                             R"("num_nodes":"6","size_leaf_vector":"3")"),
                    Errc::unsupported, {"vector-leaf"});
    require_refused(replaced(hand_model(), "[1,7,4]", "[0,90]"), Errc::unsupported_version,
                    {"before XGBoost 1.0"});
}

TEST_CASE("import_xgboost refuses malformed models with the JSON path") {
    const std::string m = hand_model();
    require_refused(
        replaced(m, R"("num_feature":"2","num_target")", R"("num_feature":[],"num_target")"),
        Errc::malformed,
        {"expected an integer at $.learner.learner_model_param.num_feature", "an array"});
    require_refused(
        replaced(m, R"("num_feature":"2","num_target")", R"("num_feature":"2x","num_target")"),
        Errc::malformed, {"'2x'"});
    require_refused(replaced(m, R"("objective":{"name")", R"("objective":{"nam")"), Errc::malformed,
                    {"no member 'name'", "$.learner.objective"});
    require_refused(replaced(m, "[0,0,0,0,0,1]", "[0,0,0,0,0,2]"), Errc::malformed,
                    {"$.learner.gradient_booster.model.trees[0].split_indices[5]", "[0, 1]"});
    require_refused(replaced(m, "[5,-1,-1,-1,-1,3]", "[5,-1,-1,-1,-1,0]"), Errc::malformed,
                    {"reached twice"});
    require_refused(replaced(m, "[5,-1,-1,-1,-1,3]", "[5,-1,-1,-1,-1,6]"), Errc::malformed,
                    {"left_children[5]", "[-1, 5]"});
    require_refused(replaced(m, "[1,-1,-1,-1,-1,4]", "[1,-1,-1,-1,-1,-1]"), Errc::malformed,
                    {"one child"});
    require_refused(replaced(m, "[5,-1,-1,-1,-1,3]", "[5,-1,-1,-1,-1]"), Errc::malformed,
                    {"left_children has 5 elements, expected num_nodes = 6"});
    require_refused(replaced(m, "1E1,9.9E1", "Infinity,9.9E1"), Errc::malformed, {"not finite"});
    require_refused(replaced(m, "1E1,9.9E1", "1E39,9.9E1"), Errc::malformed, {"float32"});
    require_refused(replaced(m, R"("tree_info":[0])", R"("tree_info":[1])"), Errc::malformed,
                    {"tree_info[0]"});
    require_refused(replaced(m, R"("num_trees":"1")", R"("num_trees":"2")"), Errc::malformed,
                    {"num_trees = 2"});
    require_refused(replaced(m, R"("attributes":{})", R"("attributes":{"best_iteration":"1"})"),
                    Errc::malformed, {"best_iteration"});
    require_refused(replaced(m, R"("base_score":"2.5E-1")", R"("base_score":"abc")"),
                    Errc::malformed, {"base_score", "'abc'"});
    require_refused(replaced(hand_model("[0,0,0,0,0,0]", "binary:logistic"), "2.5E-1", "1E0"),
                    Errc::malformed, {"outside (0, 1)"});
    require_refused(replaced(m, R"("base_score":"2.5E-1")", R"("base_score":"[2.5E-1,1]")"),
                    Errc::malformed, {"2 values, expected 1 or 1"});
}

TEST_CASE("import_xgboost reads XGBoost 3.1's base_score list and 2.x's iteration_indptr") {
    const TreeEnsemble plain = brine::import_xgboost_bytes(hand_model());
    REQUIRE(brine::import_xgboost_bytes(replaced(hand_model(), R"("2.5E-1")", R"("[2.5E-1]")")) ==
            plain);
    const std::string with_indptr =
        replaced(hand_model(), R"("tree_info":[0])", R"("iteration_indptr":[0,1],"tree_info":[0])");
    REQUIRE(brine::import_xgboost_bytes(with_indptr) == plain);
    require_refused(
        replaced(hand_model(), R"("tree_info":[0])", R"("iteration_indptr":[0,2],"tree_info":[0])"),
        Errc::malformed, {"iteration_indptr[1]"});
    // binary:logistic: base_score 0.25 is the margin -logf(1 / 0.25f - 1) = -log(3) in float32.
    const TreeEnsemble b =
        brine::import_xgboost_bytes(hand_model("[0,0,0,0,0,0]", "binary:logistic"));
    REQUIRE(b.base_score(0) == static_cast<double>(-std::log(3.0f)));
    REQUIRE(b.is_classifier());
}

TEST_CASE("import_xgboost: every cut of a JSON or UBJSON file is refused, never read past") {
    for (const char* file : {"model.json", "model.ubj"}) {
        const std::string bytes = slurp(case_dir("reg_logistic_diabetes") + file);
        for (std::size_t n = 0; n < bytes.size(); n += 1 + n / 16) {
            INFO(file << " cut at " << n);
            try {
                (void)brine::import_xgboost_bytes(std::string_view(bytes.data(), n));
                FAIL("imported");
            } catch (const brine::Error& e) {
                REQUIRE((e.code() == Errc::truncated || e.code() == Errc::malformed));
            }
        }
    }
}

/// Big-endian bytes of v.
std::string be64(std::uint64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i, v >>= 8)
        out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xFF);
    return out;
}

TEST_CASE("import_xgboost: hostile UBJSON counts, markers and limits") {
    const std::string ubj = slurp(case_dir("reg_logistic_diabetes") + "model.ubj");
    // A typed float32 array announcing 2^60 elements: refused before anything is allocated.
    const std::string typed = "[$d#L";
    const auto at = ubj.find(typed);
    REQUIRE(at != std::string::npos);
    std::string huge = ubj;
    huge.replace(at + typed.size(), 8, be64(std::uint64_t{1} << 60));
    require_refused(huge, Errc::truncated, {"announces 1152921504606846976 elements", "byte"});
    std::string negative = ubj;
    negative.replace(at + typed.size(), 8, be64(~std::uint64_t{0}));
    require_refused(negative, Errc::malformed, {"negative length"});
    // A key announcing more bytes than there are.
    std::string key = ubj;
    key.replace(2, 8, be64(std::uint64_t{1} << 40));
    require_refused(key, Errc::truncated, {"inside a key"});
    std::string marker = ubj;
    marker[at + 2] = 'Q';
    require_refused(marker, Errc::malformed, {"typed container of 'Q'"});
    require_refused(std::string("{L") + be64(1) + "aH", Errc::malformed, {"high-precision"});
    require_refused(ubj + "x", Errc::malformed, {"trailing bytes"});
    // Limits: the document's size, nesting, one array's elements, one tree's nodes.
    brine::XGBoostOptions small;
    small.max_json_bytes = 1000;
    require_refused(ubj, Errc::limit_exceeded, {"max_json_bytes"}, small);
    require_refused(hand_model(), Errc::limit_exceeded, {"max_json_bytes"}, small);
    brine::XGBoostOptions shallow;
    shallow.max_nesting = 3;
    require_refused(ubj, Errc::limit_exceeded, {"nesting deeper than 3"}, shallow);
    brine::XGBoostOptions few;
    few.max_elements = 4;
    require_refused(hand_model(), Errc::limit_exceeded, {"more than 4"}, few);
    brine::XGBoostOptions tiny_trees;
    tiny_trees.max_nodes = 5;
    require_refused(hand_model(), Errc::limit_exceeded, {"max_nodes 5"}, tiny_trees);
    brine::XGBoostOptions small_file;
    small_file.max_file_bytes = 10;
    require_refused(hand_model(), Errc::limit_exceeded, {"max_file_bytes"}, small_file);
}

TEST_CASE("import_xgboost: hostile JSON and file errors name the place") {
    require_refused("", Errc::malformed, {"invalid JSON"});
    require_refused("[1,2", Errc::truncated, {"ends after 4 bytes"});
    require_refused("{\"a\":1,\"a\":2}", Errc::malformed, {"duplicate key"});
    require_refused("{} x", Errc::malformed, {"trailing"});
    require_refused("[]", Errc::malformed, {"expected an object at $"});
    require_refused("{}", Errc::malformed, {"no member 'version'"});
    try {
        (void)brine::import_xgboost(case_dir("no_such_case") + "model.json");
        FAIL("imported");
    } catch (const brine::Error& e) {
        REQUIRE(e.code() == Errc::io);
        REQUIRE(std::string(e.what()).find("no_such_case") != std::string::npos);
    }
    // An error inside a file names the file and the JSON path.
    const std::string path = case_dir("reg_logistic_diabetes") + "model.json";
    brine::XGBoostOptions o;
    o.max_nodes = 2;
    try {
        (void)brine::import_xgboost(path, o);
        FAIL("imported");
    } catch (const brine::Error& e) {
        REQUIRE(e.code() == Errc::limit_exceeded);
        REQUIRE(std::string(e.what()).find("model.json") != std::string::npos);
        REQUIRE(std::string(e.what()).find(
                    "$.learner.gradient_booster.model.trees[0].tree_param.num_nodes") !=
                std::string::npos);
    }
}

/// UBJSON of a JSON document, written by the test in one of three styles, to reach every form the
/// reader takes: 0 as XGBoost writes it (counted untyped arrays, `L` lengths, no `]`), 1 with
/// closed containers, the smallest integer markers and no-op `N` bytes, 2 with counted objects and
/// typed arrays of float64 (`D`) and int16 (`I`) where the values allow.
class TestUbjWriter {
public:
    explicit TestUbjWriter(int style) : style_(style) {}
    std::string write(const brine::detail::rj::Value& v) {
        out_.clear();
        value(v);
        return out_;
    }

private:
    void be(std::uint64_t v, int bytes) {
        for (int i = bytes - 1; i >= 0; --i) out_ += static_cast<char>(v >> (8 * i) & 0xFF);
    }
    void integer(std::int64_t v) {
        if (style_ == 1 && v >= -128 && v <= 127) {
            out_ += 'i';
            be(static_cast<std::uint64_t>(v), 1);
        } else if (style_ == 1 && v >= -32768 && v <= 32767) {
            out_ += 'I';
            be(static_cast<std::uint64_t>(v), 2);
        } else {
            out_ += 'L';
            be(static_cast<std::uint64_t>(v), 8);
        }
    }
    void text(const char* s, std::size_t n) {
        integer(static_cast<std::int64_t>(n));
        out_.append(s, n);
    }
    void value(const brine::detail::rj::Value& v) {
        if (style_ == 1) out_ += 'N';
        if (v.IsString()) {
            out_ += 'S';
            text(v.GetString(), v.GetStringLength());
        } else if (v.IsBool()) {
            out_ += v.GetBool() ? 'T' : 'F';
        } else if (v.IsInt64()) {
            integer(v.GetInt64());
        } else if (v.IsNumber()) {
            const float f = static_cast<float>(v.GetDouble());
            std::uint32_t bits;
            std::memcpy(&bits, &f, 4);
            out_ += 'd';
            be(bits, 4);
        } else if (v.IsArray()) {
            array(v);
        } else if (v.IsObject()) {
            out_ += '{';
            if (style_ == 2) {
                out_ += '#';
                integer(static_cast<std::int64_t>(v.MemberCount()));
            }
            for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
                text(m->name.GetString(), m->name.GetStringLength());
                value(m->value);
            }
            if (style_ != 2) out_ += '}';
        } else {
            out_ += 'Z';
        }
    }
    void array(const brine::detail::rj::Value& v) {
        bool ints = !v.Empty(), numbers = !v.Empty();
        for (const auto& e : v.GetArray()) {
            ints = ints && e.IsInt64() && e.GetInt64() >= -32768 && e.GetInt64() <= 32767;
            numbers = numbers && e.IsNumber();
        }
        out_ += '[';
        if (style_ == 2 && numbers) {
            out_ += '$';
            out_ += ints ? 'I' : 'D';
            out_ += '#';
            integer(static_cast<std::int64_t>(v.Size()));
            for (const auto& e : v.GetArray()) {
                if (ints) {
                    be(static_cast<std::uint64_t>(e.GetInt64()), 2);
                } else {
                    const double d = e.GetDouble();
                    std::uint64_t bits;
                    std::memcpy(&bits, &d, 8);
                    be(bits, 8);
                }
            }
            return;
        }
        if (style_ != 1) {
            out_ += '#';
            integer(static_cast<std::int64_t>(v.Size()));
        }
        for (const auto& e : v.GetArray()) value(e);
        if (style_ == 1) out_ += ']';
    }

    int style_;
    std::string out_;
};

TEST_CASE("import_xgboost reads every UBJSON form: counted, closed, typed, no-op bytes") {
    for (const std::string& name :
         {std::string("hand"), std::string("multi_softprob_iris_parallel")}) {
        const std::string json =
            name == "hand" ? hand_model() : slurp(case_dir(name) + "model.json");
        brine::detail::rj::Document doc;
        brine::detail::xgb::parse_json(json, brine::Limits{}, doc);
        const TreeEnsemble expected = brine::import_xgboost_bytes(json);
        for (int style = 0; style < 3; ++style) {
            INFO(name << " style " << style);
            const std::string ubj = TestUbjWriter(style).write(doc);
            const brine::XGBoostModel m = brine::read_xgboost_bytes(ubj);
            REQUIRE(m.encoding == "ubjson");
            REQUIRE(m.ensemble == expected);
        }
    }
}

}  // namespace xgboost_import_test
