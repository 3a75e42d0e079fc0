// brine::DecisionTree: a CART tree (classifier or regressor) stored as parallel node arrays.
// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include "brine/models/common.hpp"
#include "brine/models/rows.hpp"
#include "brine/models/tree_compare.hpp"

namespace brine {

/// A binary decision tree in scikit-learn's `tree_` layout: node i is a leaf when
/// `children_left[i] == DecisionTree::leaf`; otherwise a sample goes to `children_left[i]` when
/// `x[feature[i]] <= threshold[i]` (under `compare`; see brine::TreeCompare: double `<=` by
/// default, scikit-learn's float32 `<=`, XGBoost's float32 `<`) and to `children_right[i]`
/// otherwise. Node 0 is the root. `value` has one row per node: class probabilities (classifier,
/// one column per class in the order of `classes`) or the predicted value (regressor, one column).
///
/// Non-finite inputs: every prediction call refuses a sample with an infinity in any feature
/// (Errc::invalid_input, naming the row and column). Without `default_left` (empty, as every tree
/// of schema version 1) it refuses NaN too, as scikit-learn 1.2 does (its trees learned no
/// direction for missing values); with `default_left` (one flag per node) a NaN is a missing
/// value and goes to the left child where the flag is 1, to the right where it is 0 (scikit-learn
/// >= 1.3's `missing_go_to_left`). With `compare = double_le` brine compares in double, so finite
/// values beyond float32's range, which scikit-learn refuses, are numbers.
///
/// The node arrays are public fields: every prediction checks their lengths (O(1)) and each step of
/// a walk checks the node it goes to (a child after its parent, within the arrays) and the feature
/// it reads, so no content of the fields makes a prediction read out of bounds or loop; a
/// validate()d tree never fails these checks. Every walk ends at a leaf within n_nodes steps.
///
/// ```
/// // root: x[0] <= 0.5 ? leaf 1 (value 10) : leaf 2 (value 20)
/// brine::DecisionTree t;
/// t.n_features_in = 1;
/// t.children_left.resize(3);  t.children_left << 1, -1, -1;
/// t.children_right.resize(3); t.children_right << 2, -1, -1;
/// t.feature.resize(3);        t.feature << 0, -2, -2;
/// t.threshold.resize(3);      t.threshold << 0.5, -2, -2;
/// t.value.resize(3, 1);       t.value << 15, 10, 20;
/// ```
struct DecisionTree : RowsForms<DecisionTree> {
    enum class Task : std::uint8_t { classification = 0, regression = 1 };
    static constexpr std::int32_t leaf = -1;  ///< child index of a leaf (scikit-learn's TREE_LEAF)
    /// The batch kernels read each row through its strides: double input of any layout is walked
    /// in place (see brine::Rows).
    static constexpr bool reads_any_layout = true;

    Task task = Task::regression;
    std::int32_t n_features_in = 0;  ///< number of input features the tree was trained on
    IndexVector children_left;       ///< per node: left child or `leaf`
    IndexVector children_right;      ///< per node: right child or `leaf`
    IndexVector feature;             ///< per node: feature tested (ignored at leaves, stored as -2)
    Eigen::VectorXd threshold;       ///< per node: split threshold (ignored at leaves)
    RowMatrix value;                 ///< n_nodes x (n_classes or 1)
    Eigen::VectorXd classes;         ///< classifier: labels, strictly increasing; regressor: empty
    /// How split nodes compare (schema version 2; version-1 trees compare double `<=`).
    TreeCompare compare = TreeCompare::double_le;
    /// Per node: 1 if a missing (NaN) input goes left, 0 if right; or empty: NaN inputs are refused
    /// (schema version 2; version-1 trees have none).
    FlagVector default_left;

    Eigen::Index n_features() const noexcept { return n_features_in; }
    Eigen::Index n_nodes() const noexcept { return children_left.size(); }
    /// A classifier's number of classes; 0 for a regressor.
    Eigen::Index n_classes() const noexcept { return classes.size(); }
    /// Values per sample of the model's output: n_classes (predict_proba) for a classifier, 1
    /// (predict) for a regressor.
    Eigen::Index n_outputs() const noexcept { return is_classifier() ? classes.size() : 1; }
    /// The class labels (`classes`; empty for a regressor), in the order of predict_proba's
    /// columns.
    const Eigen::VectorXd& class_labels() const noexcept { return classes; }
    bool is_classifier() const noexcept { return task == Task::classification; }

    /// Depth of the tree (a lone root has depth 0). Throws Errc::invalid_model if a node's child is
    /// not after it and within the arrays (never for a validated tree).
    int depth() const {
        check_shape();
        const Eigen::Index n = n_nodes();
        std::vector<int> d(static_cast<std::size_t>(n), 0);
        int deepest = 0;
        for (Eigen::Index i = 0; i < n; ++i) {  // children have larger indices than parents
            const int di = d[static_cast<std::size_t>(i)];
            deepest = std::max(deepest, di);
            if (children_left(i) == leaf) continue;
            for (const std::int32_t c : {children_left(i), children_right(i)}) {
                if (c <= i || c >= n) bad_step(static_cast<std::int32_t>(i), c);
                d[static_cast<std::size_t>(c)] = di + 1;
            }
        }
        return deepest;
    }

    /// Throws Error(Errc::invalid_model) naming the first broken invariant:
    /// task known; >= 1 node; every node array of length n_nodes; n_features >= 1; each node a
    /// leaf (both children `leaf`) or a split whose children are in range, greater than the node's
    /// own index, and children of no other node; every node but the root has a parent (so the tree
    /// is connected and every walk ends at a leaf); split features in [0, n_features); thresholds
    /// not NaN (compare float32_lt: float32 values); default_left empty or one 0/1 flag per node;
    /// values finite; classifier: >= 2 strictly increasing classes, value has n_classes
    /// columns, leaf rows are probabilities (>= 0, summing to 1 within 1e-9); regressor: one value
    /// column and no classes.
    void validate() const {
        const Eigen::Index n = n_nodes();
        check_shape();
        if (is_classifier()) {
            detail::require_finite(classes, name, "classes");
            for (Eigen::Index k = 1; k < classes.size(); ++k) {
                if (!(classes(k - 1) < classes(k))) {
                    detail::invalid_model(name, "classes must be strictly increasing at classes[" +
                                                    std::to_string(k) + "]");
                }
            }
        }
        detail::require_finite(value, name, "value");

        // A message is built only for the node that fails, never once per node.
        const auto node_at = [](Eigen::Index i) { return "node " + std::to_string(i); };
        std::vector<std::uint8_t> has_parent(static_cast<std::size_t>(n), 0);
        for (Eigen::Index i = 0; i < n; ++i) {
            const std::int32_t l = children_left(i), r = children_right(i);
            if (l == leaf || r == leaf) {
                if (l != r) {
                    detail::invalid_model(name, node_at(i) + " has one child: children_left " +
                                                    std::to_string(l) + ", children_right " +
                                                    std::to_string(r));
                }
                if (is_classifier()) check_probabilities(i);
                continue;
            }
            if (l == r) {
                detail::invalid_model(
                    name, node_at(i) + " has node " + std::to_string(l) + " as both children");
            }
            for (std::int32_t c : {l, r}) {
                if (c <= i || c >= n) {
                    detail::invalid_model(name, node_at(i) + " has child " + std::to_string(c) +
                                                    "; children must be in (" + std::to_string(i) +
                                                    ", " + std::to_string(n) + ")");
                }
                auto& seen = has_parent[static_cast<std::size_t>(c)];
                if (seen) {
                    detail::invalid_model(
                        name, "node " + std::to_string(c) + " is the child of two nodes");
                }
                seen = 1;
            }
            if (feature(i) < 0 || feature(i) >= n_features_in) {
                detail::invalid_model(
                    name, node_at(i) + " splits on feature " + std::to_string(feature(i)) +
                              ", expected 0 <= feature < " + std::to_string(n_features_in));
            }
            if (std::isnan(threshold(i)))
                detail::invalid_model(name, node_at(i) + " has a NaN threshold");
            if (compare == TreeCompare::float32_lt && !detail::is_float32_value(threshold(i))) {
                detail::invalid_model(name, node_at(i) + " has threshold " +
                                                std::to_string(threshold(i)) +
                                                ", not a float32 value as compare float32_lt "
                                                "requires");
            }
        }
        for (Eigen::Index i = 0; i < default_left.size(); ++i) {
            if (default_left(i) > 1) {
                detail::invalid_model(name, "node " + std::to_string(i) + " has default_left " +
                                                std::to_string(default_left(i)) +
                                                ", expected 0 or 1");
            }
        }
        for (Eigen::Index i = 1; i < n; ++i) {
            if (!has_parent[static_cast<std::size_t>(i)]) {
                detail::invalid_model(name,
                                      "node " + std::to_string(i) + " is unreachable (no parent)");
            }
        }
    }

    /// Index of the leaf that sample x reaches, reading x[feature * stride]; x must hold
    /// n_features entries at that stride (the node arrays are checked, the input is not).
    template <class = void>
    [[deprecated("use apply_one(x), which checks the input's length and values")]] Eigen::Index
    leaf_of(const double* x, Eigen::Index stride = 1) const {
        check_shape();
        return walk(x, stride);
    }

    /// Index of the leaf each row of X reaches (scikit-learn's `apply`).
    /// Throws Errc::shape_mismatch unless X has n_features columns, Errc::invalid_input if a row
    /// holds an infinity or (without default_left) a NaN in a column some split node reads (other
    /// columns are not inspected), Errc::invalid_model if the walk meets a node or feature index
    /// out of range (never for a validated tree).
    template <class = void>
    IndexVector apply(const MatrixRef& X) const {
        bool nodes_checked = false;
        return apply_rows(X, X.rows(), nodes_checked);
    }

    /// Index of the leaf that one sample reaches. Throws as apply.
    template <class = void>
    Eigen::Index apply_one(const RowRef& x) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        check_row_one(x);
        return walk(x.data(), x.innerStride());
    }

    /// Predicted value (regressor) or class label (classifier) for every row of X. Throws as apply.
    template <class = void>
    Eigen::VectorXd predict(const MatrixRef& X) const {
        bool nodes_checked = false;
        return predict_rows(X, X.rows(), nodes_checked);
    }

    /// Class probabilities (classifier only; else Errc::invalid_argument), one column per class.
    /// Throws as apply.
    template <class = void>
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const {
        bool nodes_checked = false;
        return proba_rows(X, X.rows(), nodes_checked);
    }

    /// predict, predict_proba and apply for a row-major or float batch, or any Rows view, read in
    /// place (see brine::Rows), and predict / predict_proba into caller buffers (RowsForms; the
    /// probability buffer is row-major: sample i's values together). A float is compared with the
    /// thresholds as the double it converts to exactly, which is scikit-learn's comparison (its
    /// trees compare float32 inputs with thresholds that are float32 values widened to double).
    /// Every form gives the same bits as the column-major double form. Throw as predict, and
    /// Errc::shape_mismatch for a buffer smaller than the result (nothing is written then).
    using RowsForms<DecisionTree>::predict;
    using RowsForms<DecisionTree>::predict_proba;
    using RowsForms<DecisionTree>::apply;

    /// The batch kernels behind every form: X is an Eigen double matrix (column-major, row-major
    /// or strided map); predict_into writes X.rows() values to out, predict_proba_into the
    /// probability k of row i to out[i * row_stride + k * col_stride]. Throw as predict.
    template <class M>
    void predict_into(const M& X, double* out) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        for_each_leaf(X, [&](Eigen::Index i, Eigen::Index leaf) { out[i] = output_of(leaf); });
    }
    template <class M>
    void predict_proba_into(const M& X, double* out, Eigen::Index row_stride,
                            Eigen::Index col_stride) const {
        check_shape();
        require_classifier();
        detail::check_columns(X.cols(), n_features(), name);
        const Eigen::Index k = value.cols();
        for_each_leaf(X, [&](Eigen::Index i, Eigen::Index leaf) {
            const double* v = value.data() + leaf * k;  // row-major: a node's row is contiguous
            for (Eigen::Index c = 0; c < k; ++c) out[i * row_stride + c * col_stride] = v[c];
        });
    }

    /// apply's kernel: the leaf each row of X reaches to out[0 .. X.rows()). Throws as apply.
    template <class M>
    void apply_into(const M& X, std::int32_t* out) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        for_each_leaf(X, [&](Eigen::Index i, Eigen::Index leaf) {
            out[i] = static_cast<std::int32_t>(leaf);
        });
    }

    /// Prediction for one sample, without heap allocation. Throws as apply.
    double predict_one(const RowRef& x) const { return output_of(apply_one(x)); }

    /// Class probabilities of one sample into out[0 .. n_classes), without heap allocation.
    /// Throws Errc::invalid_argument for a regressor, Errc::shape_mismatch unless x has n_features
    /// entries and `size` >= n_classes (nothing is written then), and as apply.
    template <class = void>
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        require_classifier();
        detail::check_output_size(size, value.cols(), name, "predict_proba_one");
        const Eigen::Index node = apply_one(x);
        for (Eigen::Index k = 0; k < value.cols(); ++k) out[k] = value(node, k);
    }

    /// Class probabilities of one sample into a contiguous buffer (std::vector<double>,
    /// std::array<double, N>, Eigen vector) of at least n_classes entries; throws as above.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void predict_proba_one(const RowRef& x, Buffer&& out) const {
        predict_proba_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Unsized form: writes n_classes values to `out` whatever its size.
    template <class = void>
    [[deprecated("pass the buffer's size: predict_proba_one(x, out, size) or a sized buffer")]] void
    predict_proba_one(const RowRef& x, double* out) const {
        predict_proba_one(x, out, n_classes());
    }

    friend bool operator==(const DecisionTree& a, const DecisionTree& b) {
        return a.task == b.task && a.n_features_in == b.n_features_in &&
               detail::same_bits(a.children_left, b.children_left) &&
               detail::same_bits(a.children_right, b.children_right) &&
               detail::same_bits(a.feature, b.feature) &&
               detail::same_bits(a.threshold, b.threshold) && detail::same_bits(a.value, b.value) &&
               detail::same_bits(a.classes, b.classes) && a.compare == b.compare &&
               detail::same_bits(a.default_left, b.default_left);
    }
    friend bool operator!=(const DecisionTree& a, const DecisionTree& b) { return !(a == b); }

    /// True when the tree needs schema version 2: it compares other than in double or routes
    /// missing values.
    bool needs_schema_2() const noexcept {
        return compare != TreeCompare::double_le || default_left.size() != 0;
    }

private:
    static constexpr const char* name = "DecisionTree";
    friend class RowsForms<DecisionTree>;

    // A Pipeline predicts a batch in blocks of rows; it passes the batch's row count and one
    // `nodes_checked` flag for all its blocks, so the nodes are checked at most once per call.
    friend struct Pipeline;

    /// apply for X, a block of a batch of `batch_rows` rows. `nodes_checked` is true once this
    /// call has run check_indices() on the tree (which the caller must not change meanwhile); it is
    /// set when the batch is large enough for that to pay (see leaves_of).
    template <class = void>
    IndexVector apply_rows(const MatrixRef& X, Eigen::Index batch_rows, bool& nodes_checked) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        IndexVector leaves(X.rows());
        leaves_of(X, leaves.data(), batch_rows, nodes_checked);
        return leaves;
    }

    template <class = void>
    Eigen::VectorXd predict_rows(const MatrixRef& X, Eigen::Index batch_rows,
                                 bool& nodes_checked) const {
        const IndexVector leaves = apply_rows(X, batch_rows, nodes_checked);
        Eigen::VectorXd y(X.rows());
        for (Eigen::Index i = 0; i < X.rows(); ++i) y(i) = output_of(leaves(i));
        return y;
    }

    template <class = void>
    Eigen::MatrixXd proba_rows(const MatrixRef& X, Eigen::Index batch_rows,
                               bool& nodes_checked) const {
        check_shape();
        require_classifier();
        const IndexVector leaves = apply_rows(X, batch_rows, nodes_checked);
        Eigen::MatrixXd p(X.rows(), value.cols());
        for (Eigen::Index i = 0; i < X.rows(); ++i) p.row(i) = value.row(leaves(i));
        return p;
    }

    /// What every prediction relies on to stay in bounds, in O(1): the task, the node count, every
    /// node array's length, value's shape against the classes, and n_features. Checked on every
    /// call; walk() checks the rest (node and feature indices) step by step.
    void check_shape() const {
        if (task != Task::classification && task != Task::regression) {
            detail::invalid_model(name, "unknown task " + std::to_string(static_cast<int>(task)));
        }
        const Eigen::Index n = n_nodes();
        if (n < 1) detail::invalid_model(name, "has no nodes");
        if (n > std::numeric_limits<std::int32_t>::max())
            detail::invalid_model(name, "too many nodes");
        auto same_length = [&](Eigen::Index len, const char* field) {
            if (len != n) {
                detail::invalid_model(name, std::string(field) + " has " + std::to_string(len) +
                                                " entries for " + std::to_string(n) + " nodes");
            }
        };
        same_length(children_right.size(), "children_right");
        same_length(feature.size(), "feature");
        same_length(threshold.size(), "threshold");
        if (default_left.size() != 0) same_length(default_left.size(), "default_left");
        if (!detail::known_compare(compare)) {
            detail::invalid_model(name,
                                  "unknown compare " + std::to_string(static_cast<int>(compare)));
        }
        if (value.rows() != n) {
            detail::invalid_model(name, "value has " + std::to_string(value.rows()) + " rows for " +
                                            std::to_string(n) + " nodes");
        }
        if (n_features_in < 1) {
            detail::invalid_model(name,
                                  "n_features must be >= 1, is " + std::to_string(n_features_in));
        }
        if (is_classifier()) {
            if (classes.size() < 2) {
                detail::invalid_model(name, "a classifier needs at least 2 classes, has " +
                                                std::to_string(classes.size()));
            }
            if (value.cols() != classes.size()) {
                detail::invalid_model(name, "value has " + std::to_string(value.cols()) +
                                                " columns for " + std::to_string(classes.size()) +
                                                " classes");
            }
        } else {
            if (classes.size() != 0) detail::invalid_model(name, "a regressor has no classes");
            if (value.cols() != 1) {
                detail::invalid_model(
                    name, "a regressor's value has 1 column, not " + std::to_string(value.cols()));
            }
        }
    }

    [[noreturn]] void bad_step(std::int32_t node, std::int32_t to) const {
        detail::invalid_model(name, "node " + std::to_string(node) + " has child " +
                                        std::to_string(to) + "; children must be in (" +
                                        std::to_string(node) + ", " + std::to_string(n_nodes()) +
                                        ")");
    }
    [[noreturn]] void bad_feature(std::int32_t node) const {
        detail::invalid_model(name, "node " + std::to_string(node) + " splits on feature " +
                                        std::to_string(feature(node)) +
                                        ", expected 0 <= feature < " +
                                        std::to_string(n_features_in));
    }

    /// The walk from the root to a leaf, reading x[feature * stride]. Requires check_shape().
    /// Checked: each step checks the feature it reads and that the next node comes after the
    /// current one and within the arrays, so the walk stays in bounds and ends within n_nodes
    /// steps. Unchecked: for batches, after check_indices() has checked every node once.
    template <bool Checked = true>
    Eigen::Index walk(const double* x, Eigen::Index stride) const {
        const detail::TreeNodes t{children_left.data(),
                                  children_right.data(),
                                  feature.data(),
                                  threshold.data(),
                                  default_left.size() != 0 ? default_left.data() : nullptr,
                                  static_cast<std::uint32_t>(children_left.size()),
                                  static_cast<std::uint32_t>(n_features_in)};
        const auto bad_f = [this](std::int32_t node) { bad_feature(node); };
        const auto bad_s = [this](std::int32_t node, std::int32_t to) { bad_step(node, to); };
        const bool missing = t.default_left != nullptr;
        switch (compare) {
            case TreeCompare::float32_le:
                return missing ? detail::walk_tree<true, false, true, Checked>(t, x, stride, bad_f,
                                                                               bad_s)
                               : detail::walk_tree<true, false, false, Checked>(t, x, stride, bad_f,
                                                                                bad_s);
            case TreeCompare::float32_lt:
                return missing ? detail::walk_tree<true, true, true, Checked>(t, x, stride, bad_f,
                                                                              bad_s)
                               : detail::walk_tree<true, true, false, Checked>(t, x, stride, bad_f,
                                                                               bad_s);
            default:
                return missing ? detail::walk_tree<false, false, true, Checked>(t, x, stride, bad_f,
                                                                                bad_s)
                               : detail::walk_tree<false, false, false, Checked>(t, x, stride,
                                                                                 bad_f, bad_s);
        }
    }

    /// NaN inputs are missing values (routed by default_left) rather than refused.
    bool takes_missing() const noexcept { return default_left.size() != 0; }

    /// What the unchecked walk relies on, for every split node (a node whose left child is not
    /// `leaf`): both children after it and within the arrays, its feature in [0, n_features).
    /// O(n_nodes), once per batch call: a batch costs rows x depth, so this is noise.
    void check_indices() const {
        const Eigen::Index n = n_nodes();
        for (Eigen::Index i = 0; i < n; ++i) {
            const std::int32_t l = children_left(i);
            if (l == leaf) continue;
            const auto node = static_cast<std::int32_t>(i);
            if (static_cast<std::uint32_t>(feature(i)) >= static_cast<std::uint32_t>(n_features_in))
                bad_feature(node);
            for (const std::int32_t c : {l, children_right(i)}) {
                if (c <= node || c >= n) bad_step(node, c);
            }
        }
    }

    double output_of(Eigen::Index node) const {
        if (!is_classifier()) return value(node, 0);
        // value is row-major, so a node's class probabilities are contiguous.
        return classes(detail::argmax(value.data() + node * value.cols(), value.cols()));
    }

    /// Rows per block of the batch walk: a block's inputs are checked for NaN and infinity just
    /// before it is walked, so the check reads rows the walk is about to bring into cache anyway;
    /// 32 rows of 50 columns stay in L1 between the two (256 did not, and cost the check twice).
    static constexpr Eigen::Index block_rows = 32;

    /// Leaves of every row of X, one walk per row. (Copying blocks of rows into a row-major buffer
    /// and advancing a block of walks level by level were both measured on a 200000 x 30 input
    /// and an 8191-node tree: neither was faster, the walk is bound by unpredictable branches.)
    /// X is a block of a batch of `batch_rows` rows (the whole batch but for a Pipeline's blocks);
    /// see apply_rows for `nodes_checked`.
    template <class = void>
    void leaves_of(const MatrixRef& X, std::int32_t* out, Eigen::Index batch_rows,
                   bool& nodes_checked) const {
        for_each_leaf(
            X, [&](Eigen::Index i, Eigen::Index leaf) { out[i] = static_cast<std::int32_t>(leaf); },
            batch_rows, nodes_checked);
    }

    /// Calls f(i, leaf of row i) for every row of X (any Eigen double matrix with direct access),
    /// in order.
    template <class M, class F>
    void for_each_leaf(const M& X, F&& f) const {
        bool nodes_checked = false;
        for_each_leaf(X, f, X.rows(), nodes_checked);
    }

    /// for_each_leaf for X, a block of a batch of `batch_rows` rows.
    template <class M, class F>
    void for_each_leaf(const M& X, F&& f, Eigen::Index batch_rows, bool& nodes_checked) const {
        // Checking every node once costs less than checking each step of the walks when the batch
        // has at least n_nodes / 16 rows; for fewer each step is checked instead. The same pass
        // lists the columns split nodes read, the only ones the input check then reads.
        const std::vector<std::int32_t>* columns = nullptr;
        if (!nodes_checked && batch_rows * 16 >= n_nodes()) {
            check_indices();
            nodes_checked = true;
            columns = &read_columns();
        }
        if (nodes_checked) {
            walk_rows<false>(X, f, columns);
        } else {
            walk_rows<true>(X, f, columns);
        }
    }

    /// The features that split nodes read, increasing, in a per-thread list (valid until the
    /// thread's next call). Requires check_indices().
    const std::vector<std::int32_t>& read_columns() const {
        thread_local std::vector<std::uint8_t> read;
        thread_local std::vector<std::int32_t> columns;
        read.assign(static_cast<std::size_t>(n_features_in), 0);
        for (Eigen::Index i = 0; i < n_nodes(); ++i) {
            if (children_left(i) != leaf) read[static_cast<std::size_t>(feature(i))] = 1;
        }
        columns.clear();
        for (std::int32_t j = 0; j < n_features_in; ++j) {
            if (read[static_cast<std::size_t>(j)]) columns.push_back(j);
        }
        return columns;
    }

    /// Throws Errc::invalid_input for the first (lowest row, then lowest column) value the tree
    /// refuses among rows [first, first + n) of X in a column some split node reads; returns if
    /// there is none (columns no split reads are not inspected). O(n_nodes + n * n_features): only
    /// blocks holding a refused value pay for it.
    template <class M>
    void refuse_read(const M& X, Eigen::Index first, Eigen::Index n, bool nan_ok,
                     bool one_sample = false) const {
        std::vector<std::uint8_t> read(static_cast<std::size_t>(X.cols()), 0);
        for (Eigen::Index i = 0; i < n_nodes(); ++i) {
            const auto f = static_cast<std::uint32_t>(feature(i));
            if (children_left(i) != leaf && f < static_cast<std::uint32_t>(X.cols())) read[f] = 1;
        }
        for (Eigen::Index i = first; i < first + n; ++i) {
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
                if (read[static_cast<std::size_t>(j)] && detail::is_refused(X(i, j), nan_ok))
                    detail::refuse_input(name, one_sample ? -1 : i, j, X(i, j), nan_ok);
            }
        }
    }

    /// The input check of one sample: as a batch's, on the columns split nodes read.
    void check_row_one(const RowRef& x) const {
        const bool nan_ok = takes_missing();
        std::uint64_t bad = 0;
        for (Eigen::Index j = 0; j < x.size(); ++j) bad |= detail::is_refused(x(j), nan_ok);
        if (bad) refuse_read(x, 0, 1, nan_ok, true);
    }

    /// Walks every row of X, block by block, each block's input checked first: the columns in
    /// `columns` when given (the ones split nodes read), else every column, with a refusal only for
    /// a column some split reads (refuse_read).
    template <bool Checked, class M, class F>
    void walk_rows(const M& X, F& f, const std::vector<std::int32_t>* columns) const {
        const Eigen::Index rs = X.rowStride(), cs = X.colStride();
        const bool nan_ok = takes_missing();
        const auto refused = [nan_ok](const double* p, Eigen::Index count) {
            return nan_ok ? detail::any_infinite(p, count) : detail::any_non_finite(p, count);
        };
        for (Eigen::Index first = 0; first < X.rows(); first += block_rows) {
            const Eigen::Index n = std::min(block_rows, X.rows() - first);
            bool bad = false;
            if (columns != nullptr) {
                if (rs == 1) {  // column-major: a column's block is contiguous
                    for (const std::int32_t j : *columns)
                        bad |= refused(X.data() + j * cs + first, n);
                } else {
                    std::uint64_t b = 0;
                    for (Eigen::Index i = first; i < first + n; ++i) {
                        for (const std::int32_t j : *columns)
                            b |= detail::is_refused(X.data()[i * rs + j * cs], nan_ok);
                    }
                    bad = b != 0;
                }
            } else if (rs == 1) {
                for (Eigen::Index j = 0; j < X.cols(); ++j)
                    bad |= refused(X.data() + j * cs + first, n);
            } else if (cs == 1) {  // row-major: each row is contiguous
                for (Eigen::Index i = first; i < first + n; ++i)
                    bad |= refused(X.data() + i * rs, X.cols());
            } else {
                for (Eigen::Index i = first; i < first + n; ++i)
                    for (Eigen::Index j = 0; j < X.cols(); ++j)
                        bad |= detail::is_refused(X.data()[i * rs + j * cs], nan_ok) != 0;
            }
            if (bad) refuse_read(X, first, n, nan_ok);
            for (Eigen::Index i = first; i < first + n; ++i)
                f(i, walk<Checked>(X.data() + i * rs, cs));
        }
    }

    void require_classifier() const {
        if (!is_classifier()) {
            throw Error(Errc::invalid_argument,
                        "predict_proba needs a classifier; this DecisionTree is a regressor");
        }
    }

    void check_probabilities(Eigen::Index i) const {
        double sum = 0.0;
        for (Eigen::Index k = 0; k < value.cols(); ++k) {
            if (value(i, k) < 0.0) {
                detail::invalid_model("DecisionTree", "leaf " + std::to_string(i) +
                                                          " has a negative class probability");
            }
            sum += value(i, k);
        }
        if (std::abs(sum - 1.0) > 1e-9) {
            detail::invalid_model("DecisionTree", "leaf " + std::to_string(i) +
                                                      " class probabilities sum to " +
                                                      std::to_string(sum) + ", not 1");
        }
    }
};

}  // namespace brine
