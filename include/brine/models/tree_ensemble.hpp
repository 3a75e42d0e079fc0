// brine::TreeEnsemble: random forests, extra trees and gradient-boosted trees in one kind, with the
// comparison, missing-value routing, summation order and link of the library they come from.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "brine/models/common.hpp"
#include "brine/models/rows.hpp"
#include "brine/models/tree_compare.hpp"

namespace brine {

class CompiledEnsemble;
namespace detail {
struct FlatEnsemble;
}

/// Leaf indices of a batch: one row per sample, one column per tree.
using IndexMatrix = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace detail {

/// apply's Rows forms for an ensemble kind (`Model::leaves_into(X, out)` writes row i's leaf of
/// tree t to out[i * n_trees() + t]): into a row-major buffer of X.rows() * n_trees() entries.
template <class Model>
void apply_matrix_rows_into(const Model& m, const Rows& X, std::int32_t* out, Eigen::Index size,
                            const char* name) {
    const Eigen::Index trees = m.n_trees();
    check_output_size(size, X.rows() * trees, name, "apply");
    for_each_block_for<Model>(
        X, [&](const auto& B, Eigen::Index first) { m.leaves_into(B, out + first * trees); });
}

template <class Model>
IndexMatrix apply_matrix_rows(const Model& m, const Rows& X) {
    IndexMatrix leaves(X.rows(), m.n_trees());
    apply_matrix_rows_into(m, X, leaves.data(), leaves.size(), "");
    return leaves;
}

}  // namespace detail

/// Options of TreeEnsemble's batch predictions.
struct TreeEnsemblePredictOptions {
    /// Threads that share the rows (std::thread; 1: the calling thread alone). Each row is
    /// computed alone, in the same order of operations on any thread, so every thread count
    /// gives the same bits. Rows go to threads in whole blocks (64 rows; up to 8192 for trees of
    /// more than 16 KB of nodes each, a fully grown forest's); a batch of fewer than two blocks
    /// runs on the calling thread.
    int threads = 1;
};

/// An ensemble of binary decision trees whose leaves add up to one or more raw scores, turned into
/// a prediction by a link. One kind holds scikit-learn's RandomForest / ExtraTrees /
/// GradientBoosting and XGBoost's gbtree models, each predicting what its library predicts.
///
/// **Nodes.** The trees' nodes are stored one after another in flat arrays (scikit-learn's `tree_`
/// layout, concatenated): tree t owns the nodes [tree_offsets[t], tree_offsets[t + 1]), its root is
/// the first of them, and `children_left` / `children_right` / the leaf indices of apply() are
/// *local* to the tree (0 is the tree's root), so a tree's arrays are exactly its library's. A
/// node is a leaf when its `children_left` is `leaf` (-1); a split node's children come after it
/// within its tree, and every node but the root has one parent.
///
/// **Decisions.** A split node sends a sample left when `x[feature] OP threshold`, where `compare`
/// gives the rounding of x and OP:
///  - `double_le`:  `x <= threshold` in double (brine's own trees);
///  - `float32_le`: `float(x) <= threshold`, the threshold a double (scikit-learn's DecisionTree,
///    RandomForest, ExtraTrees and GradientBoosting cast X to float32 before every walk);
///  - `float32_lt`: `float(x) < threshold`, thresholds float32 values (XGBoost).
/// float(x) rounds to nearest (a finite x beyond float32's range becomes +-infinity or +-FLT_MAX
/// by that rule). A NaN input is a missing value: it goes to the left child where
/// `default_left[node]` is 1 and to the right child where it is 0 (XGBoost's learned default
/// direction, scikit-learn >= 1.3's `missing_go_to_left`). Infinite inputs are refused
/// (Errc::invalid_input): scikit-learn and XGBoost refuse them too. Only the columns some split
/// node reads are inspected: a value in a column no split reads cannot change a prediction.
///
/// **Leaves and scores.** There are n_scores() = base_score.size() raw scores per sample. Each
/// row of `value` is a node's leaf payload of W = value.cols() values (rows of split nodes are
/// stored but never read); tree t adds its leaf's W values to the scores
/// [tree_output[t], tree_output[t] + W). A forest classifier has W = n_classes and every
/// tree_output 0 (each tree adds a class distribution); a boosted multi-class model has W = 1 and
/// tree_output[t] the class of tree t (XGBoost's `tree_info`).
///
/// **Leaves are stored as the source library applies them**: already multiplied by the learning
/// rate (scikit-learn's GradientBoosting multiplies `learning_rate * value` in double at predict
/// time, so storing that product gives the same bits; XGBoost's leaves already include eta),
/// already normalised to class distributions for forests (scikit-learn's per-tree predict_proba
/// divides each leaf by its sum). There is no separate learning rate.
///
/// **Summation order** (reproduced bit for bit; it changes the last bit of a result):
///  - `aggregation = sum`: score[k] starts at base_score[k], then each tree, in tree order, adds
///    its leaf (scikit-learn's GradientBoosting; XGBoost, whose base margin is base_score);
///  - `aggregation = average`: acc[k] starts at 0, each tree in tree order adds its leaf, and
///    score[k] = acc[k] / n_trees + base_score[k] (scikit-learn's forests sum the trees' outputs
///    into zeros in estimator order, one thread, then divide by n_estimators; base_score is 0).
///  The additions round to double (`accumulation = float64`, scikit-learn) or to float32 after
///  each one (`accumulation = float32`, XGBoost, whose leaves and base margin are float32 values).
///
/// **Link** from scores to outputs:
///  - `identity`: a regressor predicts score[0]; a classifier's probabilities are the scores
///    (forests: the average of the trees' class distributions), n_scores = n_classes;
///  - `logistic`: one score z; a regressor predicts sigmoid(z) (XGBoost's reg:logistic); a binary
///    classifier gives [1 - sigmoid(z), sigmoid(z)] (scikit-learn's binary GradientBoosting,
///    XGBoost's binary:logistic);
///  - `softmax`: n_scores = n_classes, probabilities softmax(scores) (multinomial boosting).
///  A classifier predicts the class of the first largest probability (scikit-learn's
///  `classes_[argmax(predict_proba)]`).
///
/// The node arrays are public fields: every prediction checks their lengths and the trees' offsets
/// and outputs first, and each step of a walk checks the node it goes to and the feature it reads
/// (or every node once per batch), so no content of the fields makes a prediction read or write
/// out of bounds or loop; a validate()d ensemble never fails these checks.
///
/// ```
/// // Two stumps on x[0], summed: x0 <= 0.5 ? 1 : 2, plus x0 <= 1.5 ? 10 : 20.
/// brine::TreeEnsemble e;
/// e.n_features_in = 1;
/// e.tree_offsets.resize(3);   e.tree_offsets << 0, 3, 6;
/// e.tree_output.resize(2);    e.tree_output << 0, 0;
/// e.children_left.resize(6);  e.children_left << 1, -1, -1, 1, -1, -1;
/// e.children_right.resize(6); e.children_right << 2, -1, -1, 2, -1, -1;
/// e.feature.resize(6);        e.feature << 0, -2, -2, 0, -2, -2;
/// e.threshold.resize(6);      e.threshold << 0.5, -2, -2, 1.5, -2, -2;
/// e.default_left.setZero(6);
/// e.value.resize(6, 1);       e.value << 0, 1, 2, 0, 10, 20;
/// e.base_score.setZero(1);
/// e.predict_one(Eigen::RowVectorXd::Constant(1, 1.0));  // 2 + 10 = 12
/// ```
struct TreeEnsemble : RowsForms<TreeEnsemble>, OneRowForms<TreeEnsemble> {
    enum class Task : std::uint8_t { classification = 0, regression = 1 };
    /// How the trees' leaves combine into a score.
    enum class Aggregation : std::uint8_t { sum = 0, average = 1 };
    /// The rounding of the additions of leaves into scores.
    enum class Accumulation : std::uint8_t { float64 = 0, float32 = 1 };
    /// From scores to outputs.
    enum class Link : std::uint8_t { identity = 0, logistic = 1, softmax = 2 };
    /// How a split node compares the input with its threshold (brine::TreeCompare).
    using Compare = TreeCompare;
    static constexpr std::int32_t leaf = -1;  ///< child index of a leaf (scikit-learn's TREE_LEAF)

    Task task = Task::regression;
    std::int32_t n_features_in = 0;  ///< number of input features
    Compare compare = Compare::double_le;
    Aggregation aggregation = Aggregation::sum;
    Accumulation accumulation = Accumulation::float64;
    Link link = Link::identity;

    IndexVector tree_offsets;   ///< n_trees + 1 entries: 0, then each tree's end in the node arrays
    IndexVector tree_output;    ///< per tree: the first score it adds to
    IndexVector children_left;  ///< per node: left child (local to the tree) or `leaf`
    IndexVector children_right;  ///< per node: right child (local to the tree) or `leaf`
    IndexVector feature;         ///< per node: feature tested (ignored at leaves, stored as -2)
    Eigen::VectorXd threshold;   ///< per node: split threshold (ignored at leaves)
    FlagVector default_left;     ///< per node: 1 if a missing (NaN) input goes left, else 0
    RowMatrix value;             ///< n_nodes x W: leaf payloads (see above)
    Eigen::VectorXd base_score;  ///< per score: its starting value, in score (margin) space
    Eigen::VectorXd classes;     ///< classifier: labels, strictly increasing; regressor: empty

    Eigen::Index n_features() const noexcept { return n_features_in; }
    Eigen::Index n_trees() const noexcept {
        return tree_offsets.size() > 0 ? tree_offsets.size() - 1 : 0;
    }
    /// Total number of nodes of all trees.
    Eigen::Index n_nodes() const noexcept { return children_left.size(); }
    /// Number of nodes of tree t (0 <= t < n_trees(); offsets as validate() requires).
    Eigen::Index tree_size(Eigen::Index t) const { return tree_offsets(t + 1) - tree_offsets(t); }
    /// Raw scores per sample (decision_function's width).
    Eigen::Index n_scores() const noexcept { return base_score.size(); }
    /// Values of each leaf (value's columns).
    Eigen::Index leaf_width() const noexcept { return value.cols(); }
    /// A classifier's number of classes; 0 for a regressor.
    Eigen::Index n_classes() const noexcept { return classes.size(); }
    /// Values per sample of the model's output: n_classes (predict_proba) for a classifier, 1
    /// (predict) for a regressor.
    Eigen::Index n_outputs() const noexcept { return is_classifier() ? classes.size() : 1; }
    /// The class labels (`classes`; empty for a regressor), in the order of predict_proba's
    /// columns.
    const Eigen::VectorXd& class_labels() const noexcept { return classes; }
    bool is_classifier() const noexcept { return task == Task::classification; }

    /// Throws Error(Errc::invalid_model) naming the first problem, unless: the enums hold known
    /// values; n_features >= 1; >= 1 tree, tree_offsets starting at 0 and strictly increasing up
    /// to n_nodes (< 2^31); every node array n_nodes long; value with W >= 1 columns;
    /// base_score with n_scores >= W entries; each tree_output in [0, n_scores - W]; the task,
    /// link, classes and n_scores agree (regressor: 1 score, link identity or logistic, no
    /// classes; classifier: >= 2 finite strictly increasing classes, logistic with 1 score and 2
    /// classes, identity or softmax with n_scores = n_classes); within each tree, a split node's
    /// children after it and inside the tree, no node the child of two, every node but the root
    /// reached, leaves with both children `leaf`; features of split nodes in [0, n_features);
    /// thresholds of split nodes not NaN (float32_lt: float32 values); default_left 0 or 1;
    /// value and base_score finite (accumulation float32: float32 values).
    void validate() const;

    /// Raw scores (margins before the link), one column per score (scikit-learn's
    /// decision_function; XGBoost's output_margin).
    /// Throws Errc::shape_mismatch unless X has n_features columns, Errc::invalid_input if a row
    /// holds an infinity in a column some split node reads (other columns are not inspected),
    /// Errc::invalid_model if the fields are inconsistent (never for a validated ensemble).
    Eigen::MatrixXd decision_function(const MatrixRef& X) const;

    /// Class probabilities (classifier only; else Errc::invalid_argument), one column per class.
    /// Throws as decision_function.
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const;

    /// Predicted value (regressor) or class label (classifier) of every row. Throws as
    /// decision_function.
    Eigen::VectorXd predict(const MatrixRef& X) const;

    /// predict and predict_proba for a row-major or float batch, or any Rows view (see
    /// brine::Rows), and into caller buffers (RowsForms; the probability buffer is row-major):
    /// read in place when double (any layout), else as column-major double blocks; every form gives
    /// the bits of the column-major double form. Throw as predict, and Errc::shape_mismatch for a
    /// buffer smaller than the result (nothing is written then).
    using RowsForms<TreeEnsemble>::predict;
    using RowsForms<TreeEnsemble>::predict_proba;
    using RowsForms<TreeEnsemble>::decision_function;

    /// Options of the batch predictions (brine::TreeEnsemblePredictOptions).
    using PredictOptions = TreeEnsemblePredictOptions;

    /// decision_function, predict_proba and predict with options (threads). Throw as those, and
    /// Errc::invalid_argument if options.threads < 1.
    Eigen::MatrixXd decision_function(const MatrixRef& X, const PredictOptions& options) const;
    Eigen::MatrixXd predict_proba(const MatrixRef& X, const PredictOptions& options) const;
    Eigen::VectorXd predict(const MatrixRef& X, const PredictOptions& options) const;

    /// The batch kernels behind every form (see brine::Rows): X is an Eigen double matrix of any
    /// layout (read in place through its strides); predict_into writes X.rows() values to out,
    /// predict_proba_into the probability k of row i to out[i * row_stride + k * col_stride],
    /// directly (no intermediate result). Steady-state calls on one thread allocate nothing: the
    /// per-call node layout and block buffers live in per-thread buffers that grow once. Throw as
    /// predict.
    template <class M>
    void predict_into(const M& X, double* out, const PredictOptions& options = {}) const {
        run_batch(input_of(X), Target{Target::predict, out, 1, 1, nullptr}, options);
    }
    template <class M>
    void predict_proba_into(const M& X, double* out, Eigen::Index row_stride,
                            Eigen::Index col_stride, const PredictOptions& options = {}) const {
        check_shape();
        require_classifier();
        run_batch(input_of(X), Target{Target::proba, out, row_stride, col_stride, nullptr},
                  options);
    }
    /// Raw scores, score k of row i to out[i * row_stride + k * col_stride] (decision_function's
    /// kernel, and its Rows forms').
    template <class M>
    void decision_function_into(const M& X, double* out, Eigen::Index row_stride,
                                Eigen::Index col_stride, const PredictOptions& options = {}) const {
        run_batch(input_of(X), Target{Target::scores, out, row_stride, col_stride, nullptr},
                  options);
    }
    /// Leaf indices, row i's leaf of tree t to out[i * n_trees() + t] (apply's kernel).
    template <class M>
    void leaves_into(const M& X, std::int32_t* out, const PredictOptions& options = {}) const {
        run_batch(input_of(X), Target{Target::leaf_indices, nullptr, 0, 0, out}, options);
    }

    /// The kernels read any layout of double input in place (brine::Rows passes it unconverted).
    static constexpr bool reads_any_layout = true;

    /// Index (local to its tree) of the leaf each row reaches in each tree: n_rows x n_trees
    /// (scikit-learn's forest `apply`, XGBoost's `pred_leaf`). Throws as decision_function.
    IndexMatrix apply(const MatrixRef& X) const;
    /// apply with options (threads); throws as decision_function with options.
    IndexMatrix apply(const MatrixRef& X, const PredictOptions& options) const;
    /// apply for a row-major or float batch, or any Rows view (read as predict reads it).
    template <class In, detail::enable_if_rows_input<In> = 0>
    IndexMatrix apply(const In& X) const {
        return detail::apply_matrix_rows(*this, Rows(X));
    }
    /// apply into a row-major buffer of at least X.rows() * n_trees() entries: row i's leaf of
    /// tree t at out[i * n_trees() + t]. Errc::shape_mismatch for a smaller buffer (nothing is
    /// written then).
    void apply(const Rows& X, std::int32_t* out, Eigen::Index size) const {
        detail::apply_matrix_rows_into(*this, X, out, size, name);
    }

    /// An immutable snapshot of this ensemble, compiled for repeated prediction (see
    /// brine::CompiledEnsemble): validate()s, then builds the node layout once. Throws
    /// Errc::invalid_model as validate().
    CompiledEnsemble compile() const;

    /// Prediction for one sample, without heap allocation. Throws as decision_function.
    double predict_one(const RowRef& x) const;

    /// Raw scores of one sample into out[0 .. n_scores), without heap allocation. Throws
    /// Errc::shape_mismatch unless x has n_features entries and `size` >= n_scores (nothing is
    /// written then), and as decision_function.
    void decision_function_one(const RowRef& x, double* out, Eigen::Index size) const;

    /// Class probabilities of one sample into out[0 .. n_classes), without heap allocation.
    /// Throws Errc::invalid_argument for a regressor, Errc::shape_mismatch unless x has n_features
    /// entries and `size` >= n_classes (nothing is written then), and as decision_function.
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const;

    /// Class probabilities (at least n_classes entries) and raw scores (at least n_scores) of one
    /// sample into a contiguous buffer (std::vector<double>, std::array<double, N>, Eigen vector);
    /// throw as above (OneRowForms).
    using OneRowForms<TreeEnsemble>::predict_proba_one;
    using OneRowForms<TreeEnsemble>::decision_function_one;

    friend bool operator==(const TreeEnsemble& a, const TreeEnsemble& b) {
        return a.task == b.task && a.n_features_in == b.n_features_in && a.compare == b.compare &&
               a.aggregation == b.aggregation && a.accumulation == b.accumulation &&
               a.link == b.link && detail::same_bits(a.tree_offsets, b.tree_offsets) &&
               detail::same_bits(a.tree_output, b.tree_output) &&
               detail::same_bits(a.children_left, b.children_left) &&
               detail::same_bits(a.children_right, b.children_right) &&
               detail::same_bits(a.feature, b.feature) &&
               detail::same_bits(a.threshold, b.threshold) &&
               detail::same_bits(a.default_left, b.default_left) &&
               detail::same_bits(a.value, b.value) &&
               detail::same_bits(a.base_score, b.base_score) &&
               detail::same_bits(a.classes, b.classes);
    }
    friend bool operator!=(const TreeEnsemble& a, const TreeEnsemble& b) { return !(a == b); }

private:
    static constexpr const char* name = "TreeEnsemble";
    friend class RowsForms<TreeEnsemble>;
    friend class CompiledEnsemble;
    /// Rows walked through all trees together: their inputs stay in L1 while every tree is walked.
    static constexpr Eigen::Index block_rows = 64;

    /// A double matrix of any layout: entry (i, j) at data[i * rs + j * cs].
    struct Input {
        const double* data;
        Eigen::Index rows, cols, rs, cs;
    };
    template <class M>
    static Input input_of(const M& X) {
        return {X.data(), X.rows(), X.cols(), X.rowStride(), X.colStride()};
    }
    /// Where a batch's results go: raw scores or probabilities (sample i's k-th value at
    /// out[i * rs + k * cs]), predictions (out[i]) or leaf indices (leaves[i * n_trees + t]).
    struct Target {
        enum Kind { scores, proba, predict, leaf_indices } kind;
        double* out;
        Eigen::Index rs, cs;
        std::int32_t* leaves;  ///< leaf_indices only
    };

    void check_shape() const;
    [[noreturn]] void bad_step(Eigen::Index tree, std::int32_t node, std::int32_t to) const;
    [[noreturn]] void bad_feature(Eigen::Index tree, std::int32_t node) const;
    void check_indices() const;
    template <bool Round, bool Strict, bool Checked>
    std::int32_t walk(Eigen::Index tree, const double* x, Eigen::Index stride) const;
    template <bool Round, bool Checked>
    std::int32_t walk_as(Eigen::Index tree, const double* x, Eigen::Index stride) const;
    template <bool Strict, bool Missing>
    void walk_trees_one(const double* x, double* acc) const;
    void add_leaf(Eigen::Index tree, std::int32_t node, double* acc) const;
    void start_scores(double* acc) const;
    void finish_scores(double* acc) const;
    void scores_one(const RowRef& x, double* out) const;
    bool check_row_one(const RowRef& x) const;
    void refuse_read(const Input& X, Eigen::Index first, Eigen::Index n) const;
    void run_batch(const Input& X, const Target& target, const PredictOptions& options,
                   const detail::FlatEnsemble* compiled = nullptr) const;
    template <class T>
    void run_rows(const Input& X, Eigen::Index begin, Eigen::Index end, const Target& target,
                  const detail::FlatEnsemble* flat) const;
    void consume_tree(Eigen::Index t, const std::int32_t* leaves, Eigen::Index nb, double* acc,
                      const Target& target, Eigen::Index first, const double* v) const;
    void add_values(Eigen::Index tree, const double* v, double* acc) const;
    void finish_block(Eigen::Index first, Eigen::Index nb, double* acc, double* p,
                      const Target& target) const;
    void proba_of_scores(const double* s, double* p) const;
    double output_of_scores(const double* s) const;
    /// The bodies of predict_one and predict_proba_one (after their checks), shared with
    /// CompiledEnsemble: `scores(double* s)` writes the row's n_scores raw scores to s.
    template <class Scores>
    double predict_one_from(const Scores& scores) const;
    template <class Scores>
    void proba_one_from(const Scores& scores, double* out) const;
    void require_classifier() const;
};

}  // namespace brine

#include "brine/detail/tree_ensemble_impl.hpp"
#include "brine/models/compiled_ensemble.hpp"
