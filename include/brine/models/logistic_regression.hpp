// brine::LogisticRegression: binary (sigmoid), multinomial (softmax) and one-vs-rest logistic
// regression.
// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>

#include "brine/models/common.hpp"
#include "brine/models/linear_kernel.hpp"
#include "brine/models/rows.hpp"

namespace brine {

/// Logistic regression with the sorted class labels it was trained on, laid out as scikit-learn's
/// LogisticRegression: two classes give one row of `coef` (the score of `classes[1]`; probability
/// by the sigmoid), K >= 3 classes give K rows, turned into probabilities as scikit-learn's
/// `multi_class` says: `multinomial` (softmax over the K scores) or `ovr` (one-vs-rest: the K
/// sigmoids, divided by their sum). Labels are the class of the first largest score either way.
///
/// scikit-learn semantics: a binary model predicts `classes[1]` iff its score is > 0; a multinomial
/// model predicts the class of the first largest score. (A binary scikit-learn model fitted with
/// `multi_class="multinomial"` computes softmax([-z, z]) = sigmoid(2z): import it with `coef` and
/// `intercept` doubled.)
///
/// Non-finite inputs: every prediction call refuses a sample with a NaN or an infinity in any
/// feature (Errc::invalid_input, naming the row and column), as scikit-learn 1.2 does. Finite
/// inputs whose scores overflow get the limits: sigmoid(+-inf) = 1 or 0, and softmax shares the
/// probability evenly among the classes whose score equals the largest one when that is infinite.
/// A score that overflows to inf - inf is NaN: its probabilities are NaN and its label is
/// `classes[0]` for a binary model (as `NaN > 0` is false) and, for a multinomial model, the class
/// of the first NaN score (numpy.argmax's rule), as scikit-learn computes on the same input.
///
/// The parameters are public fields: every prediction checks their shapes against each other in
/// O(1), so no change to them makes a prediction read or write out of bounds; validate() checks
/// their values too, and save and load always run it.
///
/// The batch functions use a matrix product and predict_one / predict_proba_one a dot product per
/// row, so their probabilities agree to rounding, not always bit for bit.
struct LogisticRegression : RowsForms<LogisticRegression> {
    /// How K >= 3 scores become probabilities (scikit-learn's `multi_class` after fitting; a
    /// binary model always uses the sigmoid, whichever is set).
    enum class MultiClass : std::uint8_t {
        multinomial = 0,  ///< softmax over the K scores
        ovr = 1,          ///< one-vs-rest: sigmoid of each score, normalised to sum 1
    };

    /// Batches of doubles are read in place in every layout, with the same bits in each (the
    /// scores are summed in the order of the features, see detail::linear_scores).
    static constexpr bool reads_any_layout = true;

    RowMatrix coef;             ///< 1 x n_features (binary) or n_classes x n_features
    Eigen::VectorXd intercept;  ///< one per row of coef
    Eigen::VectorXd classes;    ///< class labels, strictly increasing
    MultiClass multi_class = MultiClass::multinomial;

    LogisticRegression() = default;
    LogisticRegression(RowMatrix coef_, Eigen::VectorXd intercept_, Eigen::VectorXd classes_,
                       MultiClass multi_class_ = MultiClass::multinomial)
        : coef(std::move(coef_)),
          intercept(std::move(intercept_)),
          classes(std::move(classes_)),
          multi_class(multi_class_) {}

    Eigen::Index n_features() const noexcept { return coef.cols(); }
    Eigen::Index n_classes() const noexcept { return classes.size(); }
    /// Values per sample of predict_proba: n_classes.
    Eigen::Index n_outputs() const noexcept { return classes.size(); }
    /// The class labels (`classes`), in the order of predict_proba's columns.
    const Eigen::VectorXd& class_labels() const noexcept { return classes; }
    /// Scores per sample (decision_function's width): 1 for a binary model, else n_classes.
    Eigen::Index n_scores() const noexcept { return coef.rows(); }
    bool is_binary() const noexcept { return classes.size() == 2; }
    /// True for a model of K >= 3 classes whose probabilities are one-vs-rest.
    bool is_ovr() const noexcept { return !is_binary() && multi_class == MultiClass::ovr; }

    /// Throws Error(Errc::invalid_model) unless: >= 2 classes, strictly increasing and finite;
    /// coef has 1 row for 2 classes or n_classes rows otherwise, and >= 1 column; intercept
    /// matches coef's rows; all parameters finite.
    void validate() const {
        check_shape();
        if (multi_class != MultiClass::multinomial && multi_class != MultiClass::ovr) {
            detail::invalid_model(name, "multi_class is " +
                                            std::to_string(static_cast<int>(multi_class)) +
                                            ", expected multinomial (0) or ovr (1)");
        }
        detail::require_finite(classes, name, "classes");
        for (Eigen::Index k = 1; k < classes.size(); ++k) {
            if (!(classes(k - 1) < classes(k))) {
                detail::invalid_model(name, "classes must be strictly increasing, but classes[" +
                                                std::to_string(k) + "] <= classes[" +
                                                std::to_string(k - 1) + "]");
            }
        }
        detail::require_finite(coef, name, "coef");
        detail::require_finite(intercept, name, "intercept");
    }

    /// Raw scores, one column per row of coef (scikit-learn's decision_function).
    /// Throws Errc::shape_mismatch unless X has n_features columns, Errc::invalid_input if a row
    /// holds a NaN or an infinity.
    template <class = void>
    Eigen::MatrixXd decision_function(const MatrixRef& X) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        Eigen::MatrixXd s(X.rows(), coef.rows());
        detail::linear_scores(X, coef, intercept, s.data(), 1, X.rows());
        detail::check_rows_of_non_finite_outputs(X, s, name);
        return s;
    }

    /// Class probabilities, one column per class in the order of `classes`; each row sums to 1.
    /// Throws as decision_function.
    template <class = void>
    Eigen::MatrixXd predict_proba(const MatrixRef& X) const {
        const Eigen::MatrixXd s = decision_function(X);
        Eigen::MatrixXd p(X.rows(), n_classes());
        for (Eigen::Index i = 0; i < X.rows(); ++i) scores_to_proba(s.row(i), p.row(i));
        return p;
    }

    /// Predicted class labels for every row of X. Throws as decision_function.
    template <class = void>
    Eigen::VectorXd predict(const MatrixRef& X) const {
        const Eigen::MatrixXd s = decision_function(X);
        Eigen::VectorXd y(X.rows());
        for (Eigen::Index i = 0; i < X.rows(); ++i) y(i) = label_of(s.row(i));
        return y;
    }

    /// predict, predict_proba and decision_function for a row-major or float batch, or any Rows
    /// view, read in place (see brine::Rows), and into caller buffers: `predict(X)`,
    /// `predict(rows, out, size)`, `predict(rows, buffer)`, the same for predict_proba and
    /// decision_function, whose buffers are row-major (sample i's values together) (RowsForms).
    /// Floats are converted to double exactly. Every form gives the same bits as the column-major
    /// double form of the same values. Throw as predict, and Errc::shape_mismatch for a buffer
    /// smaller than the result (nothing is written then). No heap allocation once a per-thread
    /// buffer for the scores has grown to the batch.
    using RowsForms<LogisticRegression>::predict;
    using RowsForms<LogisticRegression>::predict_proba;
    using RowsForms<LogisticRegression>::decision_function;

    /// The batch kernels behind every form: X is an Eigen double matrix (column-major, row-major
    /// or strided map); predict_into writes X.rows() labels to out, predict_proba_into the
    /// probability k of row i to out[i * row_stride + k * col_stride]. Throw as predict.
    template <class M>
    void predict_into(const M& X, double* out) const {
        const auto s = scores_into(X);
        for (Eigen::Index i = 0; i < X.rows(); ++i) out[i] = label_of(s.row(i));
    }
    template <class M>
    void predict_proba_into(const M& X, double* out, Eigen::Index row_stride,
                            Eigen::Index col_stride) const {
        const auto s = scores_into(X);
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            scores_to_proba(s.row(i), Strided{out + i * row_stride, col_stride});
    }

    /// decision_function's kernel: the score k of row i to out[i * row_stride + k * col_stride].
    template <class M>
    void decision_function_into(const M& X, double* out, Eigen::Index row_stride,
                                Eigen::Index col_stride) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        detail::linear_scores(X, coef, intercept, out, row_stride, col_stride);
        for (Eigen::Index i = 0; i < X.rows();
             ++i) {  // a score is finite when its row's inputs are
            for (Eigen::Index k = 0; k < coef.rows(); ++k) {
                if (!std::isfinite(out[i * row_stride + k * col_stride])) {
                    detail::check_rows(X, i, 1, name);
                    break;
                }
            }
        }
    }

    /// Predicted label of one sample, without heap allocation.
    /// Throws Errc::shape_mismatch unless x has n_features entries, Errc::invalid_input if x holds
    /// a NaN or an infinity.
    template <class = void>
    double predict_one(const RowRef& x) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        return label_of(RowScores{this, &x, first_score(x)});
    }

    /// Class probabilities of one sample into out[0 .. n_classes), without heap allocation.
    /// Throws Errc::shape_mismatch unless x has n_features entries and `size` >= n_classes (nothing
    /// is written then), Errc::invalid_input as predict_one.
    template <class = void>
    void predict_proba_one(const RowRef& x, double* out, Eigen::Index size) const {
        check_shape();
        detail::check_columns(x.size(), n_features(), name);
        detail::check_output_size(size, n_classes(), name, "predict_proba_one");
        const RowScores s{this, &x, first_score(x)};
        for (Eigen::Index k = 0; k < coef.rows(); ++k) out[k] = s[k];
        scores_to_proba(out, out);  // in place: each entry is read before it is overwritten
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

    friend bool operator==(const LogisticRegression& a, const LogisticRegression& b) {
        return detail::same_bits(a.coef, b.coef) && detail::same_bits(a.intercept, b.intercept) &&
               detail::same_bits(a.classes, b.classes) && a.multi_class == b.multi_class;
    }
    friend bool operator!=(const LogisticRegression& a, const LogisticRegression& b) {
        return !(a == b);
    }

    /// 1 / (1 + exp(-z)), computed without overflow for large |z|; sigmoid(+-inf) = 1 or 0.
    static double sigmoid(double z) noexcept {
        if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
        const double e = std::exp(z);
        return e / (1.0 + e);
    }

private:
    static constexpr const char* name = "LogisticRegression";
    friend class RowsForms<LogisticRegression>;

    /// What every prediction relies on to stay in bounds, in O(1): checked on every call, so no
    /// change to the public fields can make a prediction read or write outside them.
    void check_shape() const {
        if (classes.size() < 2) {
            detail::invalid_model(
                name, "needs at least 2 classes, has " + std::to_string(classes.size()));
        }
        const Eigen::Index rows = is_binary() ? 1 : classes.size();
        if (coef.rows() != rows || coef.cols() < 1) {
            detail::invalid_model(name, "coef is " + std::to_string(coef.rows()) + " x " +
                                            std::to_string(coef.cols()) + ", expected " +
                                            std::to_string(rows) +
                                            " x n_features (n_features >= 1) for " +
                                            std::to_string(classes.size()) + " classes");
        }
        if (intercept.size() != rows) {
            detail::invalid_model(name, "intercept has " + std::to_string(intercept.size()) +
                                            " entries, expected " + std::to_string(rows));
        }
    }

    /// An output written at a stride: p[k] is base[k * stride].
    struct Strided {
        double* base;
        Eigen::Index stride;
        double& operator[](Eigen::Index k) const { return base[k * stride]; }
    };

    /// decision_function of X into a per-thread buffer (the same operations as decision_function,
    /// so the same bits for the same input and storage order).
    template <class M>
    Eigen::Map<Eigen::MatrixXd> scores_into(const M& X) const {
        check_shape();
        detail::check_columns(X.cols(), n_features(), name);
        Eigen::Map<Eigen::MatrixXd> s(
            detail::scratch_doubles<detail::kernel_slot>(X.rows() * coef.rows()), X.rows(),
            coef.rows());
        detail::linear_scores(X, coef, intercept, s.data(), 1, X.rows());
        detail::check_rows_of_non_finite_outputs(X, s, name);
        return s;
    }

    /// The score of class row 0 of one sample, after the input check: every score sums a product
    /// with each input, so it is finite when the inputs are (with finite parameters), and the
    /// inputs are searched only when it is not.
    template <class = void>
    double first_score(const RowRef& x) const {
        const double s0 = x.dot(coef.row(0)) + intercept(0);
        if (!std::isfinite(s0)) detail::check_sample(x, name);
        return s0;
    }

    /// The scores of one sample, computed on demand (score k = x . coef[k] + intercept[k]); score 0
    /// was computed by the input check.
    struct RowScores {
        const LogisticRegression* m;
        const RowRef* x;
        double s0;
        double operator[](Eigen::Index k) const {
            return k == 0 ? s0 : x->dot(m->coef.row(k)) + m->intercept(k);
        }
    };

    template <class Scores>
    double label_of(const Scores& s) const {
        if (is_binary()) return s[0] > 0.0 ? classes(1) : classes(0);
        return classes(detail::argmax(s, coef.rows()));
    }

    /// Scores (coef.rows() of them) to probabilities (n_classes of them); `p` may alias `s`.
    template <class In, class Out>
    void scores_to_proba(const In& s, Out&& p) const {
        if (is_binary()) {
            // scikit-learn's binary predict_proba: [1 - sigmoid(z), sigmoid(z)].
            const double q = sigmoid(s[0]);
            p[0] = 1.0 - q;
            p[1] = q;
            return;
        }
        const Eigen::Index n = coef.rows();
        if (multi_class == MultiClass::ovr) {
            // scikit-learn's _predict_proba_lr: expit of every score, each divided by their sum
            // (NaN when a score is NaN, or when every score is -inf: 0 / 0, as scikit-learn).
            double sum = 0.0;
            for (Eigen::Index k = 0; k < n; ++k) sum += (p[k] = sigmoid(s[k]));
            for (Eigen::Index k = 0; k < n; ++k) p[k] /= sum;
            return;
        }
        const double top = s[detail::argmax(s, n)];  // NaN if any score is NaN
        if (std::isnan(top)) {
            for (Eigen::Index k = 0; k < n; ++k) p[k] = std::numeric_limits<double>::quiet_NaN();
            return;
        }
        if (std::isinf(top)) {
            // exp(s - top) would be inf - inf = NaN; the limit puts all mass on the top scores.
            Eigen::Index ties = 0;
            for (Eigen::Index k = 0; k < n; ++k) ties += s[k] == top ? 1 : 0;
            for (Eigen::Index k = 0; k < n; ++k)
                p[k] = s[k] == top ? 1.0 / static_cast<double>(ties) : 0.0;
            return;
        }
        // Subtracting the largest score keeps every exp() in (0, 1]: no overflow for huge scores.
        double sum = 0.0;
        for (Eigen::Index k = 0; k < n; ++k) sum += (p[k] = std::exp(s[k] - top));
        for (Eigen::Index k = 0; k < n; ++k) p[k] /= sum;
    }
};

}  // namespace brine
