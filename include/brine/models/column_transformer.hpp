// brine::Transform (the closed set of preprocessing steps) and brine::ColumnTransformer, which
// sends groups of input columns through chains of steps, as scikit-learn's ColumnTransformer.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "brine/detail/text.hpp"
#include "brine/models/blocks.hpp"
#include "brine/models/one_hot_encoder.hpp"
#include "brine/models/robust_scalers.hpp"
#include "brine/models/scalers.hpp"
#include "brine/models/simple_imputer.hpp"

namespace brine {

struct ColumnTransformer;

/// A preprocessing step: of a Pipeline, or of a ColumnTransformer's branch. A ColumnTransformer is
/// itself a step, so branches nest (to a depth bounded by ColumnTransformer::max_nesting and, on
/// load, by Limits::max_transform_depth).
using Transform = std::variant<StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler,
                               SimpleImputer, OneHotEncoder, ColumnTransformer>;

/// One entry of a ColumnTransformer (an entry of scikit-learn's `transformers_`): a name, the input
/// columns it takes (0-based, in the order its steps see them; repeats allowed, as in
/// scikit-learn), and what it does with them: nothing (`drop`), copy them (`passthrough`), or run
/// them through a chain of steps (`steps`; a scikit-learn Pipeline of transformers is its chain).
struct ColumnBranch {
    enum class Action : std::uint8_t { drop, passthrough, steps };

    std::string name;
    IndexVector columns;
    Action action = Action::drop;
    std::vector<Transform> steps;  ///< the chain, for Action::steps; empty otherwise
};

/// Column-wise preprocessing as scikit-learn 1.2's ColumnTransformer (fitted): each branch takes
/// its columns of the input and its output columns follow those of the branches before it; the
/// remainder (the columns no branch takes, ascending) comes last. A `drop` branch, and a remainder
/// without columns, add nothing.
///
/// Non-finite inputs, as scikit-learn: a passthrough column is copied as it is (NaN and infinities
/// included); a chain's steps take and refuse what each of them does (a scaler keeps NaN and
/// refuses an infinity, Errc::invalid_input naming the branch).
///
/// ```
/// brine::ColumnTransformer ct;
/// ct.n_features_in = 3;
/// ct.branches.push_back({"num", idx({0, 2}), brine::ColumnBranch::Action::steps, {scaler}});
/// ct.remainder = {"remainder", idx({1}), brine::ColumnBranch::Action::passthrough, {}};
/// Eigen::MatrixXd Z = ct.transform(X);  // [scaled x0, scaled x2, x1]
/// ```
struct ColumnTransformer : RowsForms<ColumnTransformer> {
    /// The batch forms read every layout and float input in place (see detail::reads_any_input).
    static constexpr bool reads_any_input = true;

    std::int32_t n_features_in = 0;      ///< input width (scikit-learn's n_features_in_)
    std::vector<ColumnBranch> branches;  ///< in scikit-learn's order, without the remainder
    /// The remainder: named "remainder", its columns exactly those no branch takes, ascending.
    ColumnBranch remainder{"remainder", IndexVector(), ColumnBranch::Action::drop, {}};

    /// ColumnTransformers nested deeper than this are invalid (validate() stops there, so no
    /// recursion over a model goes deeper).
    static constexpr int max_nesting = 32;

    Eigen::Index n_features() const noexcept { return n_features_in; }
    /// Output width: the sum of the branches' widths and the remainder's.
    Eigen::Index n_features_out() const;
    /// Values per sample of transform: n_features_out.
    Eigen::Index n_outputs() const { return n_features_out(); }
    /// A transformer has no classes: 0.
    Eigen::Index n_classes() const noexcept { return 0; }
    /// A transformer has no class labels: an empty vector.
    const Eigen::VectorXd& class_labels() const noexcept { return detail::no_class_labels(); }
    /// Nesting depth: 1, plus the deepest ColumnTransformer among the chains' steps.
    int depth() const;
    /// The number of steps in all chains, nested ones included (this one not counted).
    std::size_t total_steps() const;

    /// Throws Error(Errc::invalid_model) naming the branch unless: >= 1 input feature; branch names
    /// non-empty, unique and not "remainder"; every column in [0, n_features); drop and passthrough
    /// branches without steps; a chain of >= 1 valid steps whose widths chain, the first taking the
    /// branch's column count; the remainder named "remainder" listing, ascending, exactly the
    /// columns no branch takes; >= 1 output column; nesting no deeper than max_nesting. Time
    /// linear in the model's size (n_features is at most the number of column entries).
    void validate() const { validate_at(1); }

    /// transform for a row-major or float batch, or any Rows view (see brine::Rows), and into a
    /// row-major buffer of the caller's (RowsForms); every form gives the same bits as the
    /// column-major double form. Throw as transform, and Errc::shape_mismatch for a buffer smaller
    /// than the result (nothing is written then).
    using RowsForms<ColumnTransformer>::transform;

    /// The transformed rows. Throws Errc::shape_mismatch unless X has n_features columns,
    /// Errc::invalid_input for an input a chain's step refuses.
    template <class = void>
    Eigen::MatrixXd transform(const MatrixRef& X) const;

    /// transform into `out` (X.rows() x n_features_out). Throws as transform, and
    /// Errc::shape_mismatch unless `out` has that shape. `out` must not overlap X.
    template <class = void>
    void transform_into(const MatrixRef& X, Eigen::Ref<Eigen::MatrixXd> out) const;

    /// transform_into for a block of any layout, double or float (an InBlock, as a Pipeline and the
    /// Rows forms pass it), read in place: each chain's first step reads its columns where they
    /// are (non-adjacent columns are gathered into a per-thread buffer first). The same bits as the
    /// column-major double form of the same values; no heap allocation in steady state. Throws as
    /// transform_into.
    template <class T>
    void transform_into(const detail::InBlock<T>& X, Eigen::Ref<Eigen::MatrixXd> out) const;

    /// Transforms one sample into out[0 .. n_features_out), without heap allocation in steady
    /// state (a per-thread buffer grows once). Throws as transform, and Errc::shape_mismatch if
    /// `size` < n_features_out (nothing is written then). `out` must not overlap x.
    template <class = void>
    void transform_one(const RowRef& x, double* out, Eigen::Index size) const;

    /// transform_one into a contiguous buffer of at least n_features_out entries.
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void transform_one(const RowRef& x, Buffer&& out) const {
        transform_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    /// Doubles of per-thread scratch that transform_one uses, nested steps included.
    Eigen::Index scratch_one() const;

    /// Validation at nesting level `depth` (1 for a ColumnTransformer that no other holds).
    void validate_at(int depth) const;

    friend bool operator==(const ColumnTransformer& a, const ColumnTransformer& b);
    friend bool operator!=(const ColumnTransformer& a, const ColumnTransformer& b) {
        return !(a == b);
    }

private:
    static constexpr const char* name = "ColumnTransformer";
    friend class RowsForms<ColumnTransformer>;
};

inline bool operator==(const ColumnBranch& a, const ColumnBranch& b) {
    return a.name == b.name && a.action == b.action && detail::same_bits(a.columns, b.columns) &&
           a.steps == b.steps;
}
inline bool operator!=(const ColumnBranch& a, const ColumnBranch& b) { return !(a == b); }

inline bool operator==(const ColumnTransformer& a, const ColumnTransformer& b) {
    return a.n_features_in == b.n_features_in && a.branches == b.branches &&
           a.remainder == b.remainder;
}

namespace detail {

/// Input and output widths of a step.
inline Eigen::Index step_width_in(const Transform& t) {
    return std::visit([](const auto& s) -> Eigen::Index { return s.n_features(); }, t);
}
inline Eigen::Index step_width_out(const Transform& t) {
    return std::visit([](const auto& s) -> Eigen::Index { return s.n_features_out(); }, t);
}

/// The output width of a chain of steps (its last step's), or of its input when empty.
inline Eigen::Index chain_width_out(const std::vector<Transform>& steps, Eigen::Index in) {
    return steps.empty() ? in : step_width_out(steps.back());
}

/// The widest intermediate of a chain: its input and every step's output.
inline Eigen::Index chain_max_width(const std::vector<Transform>& steps, Eigen::Index in) {
    Eigen::Index w = in;
    for (const auto& s : steps) w = std::max(w, step_width_out(s));
    return w;
}

/// The message of a brine::Error without its "brine: <code>: " prefix.
inline std::string message_detail(const Error& e) {
    const std::string what = e.what();
    const std::string prefix = std::string("brine: ") + errc_name(e.code()) + ": ";
    return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

/// A per-thread stack of doubles for the single-sample path of nested transformers: the outermost
/// caller sizes it once for everything below it (ColumnTransformer::scratch_one), inner callers
/// take the next slice, and every caller gives its slice back on return.
struct OneRowArena {
    std::vector<double> buf;
    std::size_t top = 0;
};
inline OneRowArena& one_row_arena() {
    thread_local OneRowArena a;
    return a;
}

/// A slice of the arena for one call, given back by the destructor. Should the arena be too small
/// (a caller that did not size it), the slice is a heap buffer of its own instead.
class ArenaSlice {
public:
    ArenaSlice(std::size_t own, std::size_t whole) : arena_(one_row_arena()), base_(arena_.top) {
        if (base_ == 0 && arena_.buf.size() < whole) arena_.buf.resize(whole);
        if (base_ + own <= arena_.buf.size()) {
            data_ = arena_.buf.data() + base_;
            arena_.top = base_ + own;
        } else {
            fallback_.resize(own);
            data_ = fallback_.data();
        }
    }
    ~ArenaSlice() { arena_.top = base_; }
    ArenaSlice(const ArenaSlice&) = delete;
    ArenaSlice& operator=(const ArenaSlice&) = delete;
    double* data() const noexcept { return data_; }

private:
    OneRowArena& arena_;
    std::size_t base_;
    std::vector<double> fallback_;
    double* data_ = nullptr;
};

inline const char* action_name(ColumnBranch::Action a) noexcept {
    switch (a) {
        case ColumnBranch::Action::drop: return "drop";
        case ColumnBranch::Action::passthrough: return "passthrough";
        case ColumnBranch::Action::steps: return "steps";
    }
    return "unknown";
}

inline std::string branch_label(const ColumnBranch& b, std::size_t i, bool remainder) {
    return remainder ? std::string("remainder")
                     : "branch " + std::to_string(i) + " " + detail::quoted(b.name);
}

/// A branch's label in messages ("branch 2 'num'", "remainder"), made into a string only when a
/// message needs it, so the transforms allocate nothing on the way.
struct BranchLabel {
    const ColumnBranch& branch;
    std::size_t index;
    bool remainder;
    std::string str() const { return branch_label(branch, index, remainder); }
    operator std::string() const { return str(); }  // NOLINT: implicit by design
};

/// Calls f(branch, label) for every branch, then the remainder; label is a BranchLabel, which
/// converts to a std::string.
template <class F>
void for_each_branch(const ColumnTransformer& ct, F&& f) {
    for (std::size_t i = 0; i < ct.branches.size(); ++i)
        f(ct.branches[i], BranchLabel{ct.branches[i], i, false});
    f(ct.remainder, BranchLabel{ct.remainder, 0, true});
}

/// The output width of a branch.
inline Eigen::Index branch_width_out(const ColumnBranch& b) {
    switch (b.action) {
        case ColumnBranch::Action::drop: return 0;
        case ColumnBranch::Action::passthrough: return b.columns.size();
        case ColumnBranch::Action::steps: return chain_width_out(b.steps, b.columns.size());
    }
    return 0;
}

/// Throws Errc::invalid_input (or any other code) again with the branch named.
[[noreturn]] inline void rethrow_in_branch(const Error& e, const std::string& label) {
    throw Error(e.code(), "ColumnTransformer " + label + ": " + message_detail(e))
        .with_fields_of(e);
}

/// What the transforms rely on to stay in bounds, checked on every call in time linear in the
/// columns: every column index within the input, the chain's widths agree.
inline void check_branch_shape(const ColumnBranch& b, Eigen::Index n_in, const BranchLabel& label) {
    for (Eigen::Index k = 0; k < b.columns.size(); ++k) {
        if (b.columns(k) < 0 || b.columns(k) >= n_in) {
            invalid_model("ColumnTransformer",
                          label.str() + " column " + std::to_string(b.columns(k)) +
                              " is out of range for " + std::to_string(n_in) + " input features");
        }
    }
    if (b.action != ColumnBranch::Action::steps) return;
    if (b.steps.empty()) invalid_model("ColumnTransformer", label.str() + " has no steps");
    Eigen::Index w = b.columns.size();
    for (std::size_t s = 0; s < b.steps.size(); ++s) {
        if (step_width_in(b.steps[s]) != w) {
            invalid_model("ColumnTransformer",
                          label.str() + " step " + std::to_string(s) + " expects " +
                              std::to_string(step_width_in(b.steps[s])) + " features but " +
                              (s == 0 ? std::string("the branch takes ")
                                      : std::string("the step before it produces ")) +
                              std::to_string(w));
        }
        w = step_width_out(b.steps[s]);
    }
}

/// Whether columns are c, c + 1, ..., c + k - 1 (read in place, without gathering them).
inline bool contiguous_columns(const IndexVector& c) {
    for (Eigen::Index k = 1; k < c.size(); ++k) {
        if (c(k) != c(0) + k) return false;
    }
    return c.size() > 0;
}

/// Runs a chain of steps on `in` (rows x its first step's width; any layout, double or float)
/// into `out` (rows x its last step's width), the intermediates in two halves of a per-thread
/// buffer (BlockScratch), each step writing into the half it does not read.
template <class T>
void run_chain_into(const std::vector<Transform>& steps, const InBlock<T>& in,
                    Eigen::Ref<Eigen::MatrixXd> out) {
    if (steps.size() == 1) {
        std::visit([&](const auto& t) { t.transform_into(in, out); }, steps[0]);
        return;
    }
    const Eigen::Index rows = in.rows();
    const Eigen::Index half = rows * chain_max_width(steps, in.cols());
    const BlockScratch scratch(2 * half);
    double* halves[2] = {scratch.data(), scratch.data() + half};
    Eigen::Index w = in.cols();
    for (std::size_t s = 0; s < steps.size(); ++s) {
        const bool last = s + 1 == steps.size();
        std::visit(
            [&](const auto& t) {
                const Eigen::Index w_out = t.n_features_out();
                Eigen::Map<Eigen::MatrixXd> dst(halves[s % 2], rows, w_out);
                if (s == 0) {
                    t.transform_into(in, dst);
                } else {
                    const auto src =
                        in_block(Eigen::Map<const Eigen::MatrixXd>(halves[(s - 1) % 2], rows, w));
                    if (last)
                        t.transform_into(src, out);
                    else
                        t.transform_into(src, dst);
                }
                w = w_out;
            },
            steps[s]);
    }
}

/// Runs a chain on one sample x (its first step's width) into out; `tmp` holds 2 x the chain's
/// widest intermediate.
template <class = void>
inline void run_chain_one(const std::vector<Transform>& steps, const RowRef& x, double* out,
                          Eigen::Index out_size, double* tmp, Eigen::Index max_w) {
    double* bufs[2] = {tmp, tmp + max_w};
    Eigen::Index w = x.size();
    for (std::size_t s = 0; s < steps.size(); ++s) {
        const bool last = s + 1 == steps.size();
        double* dst = last ? out : bufs[s % 2];
        const Eigen::Index dst_size = last ? out_size : max_w;
        std::visit(
            [&](const auto& t) {
                if (s == 0) {
                    t.transform_one(x, dst, dst_size);
                } else {
                    t.transform_one(Eigen::Map<const Eigen::RowVectorXd>(bufs[(s - 1) % 2], w), dst,
                                    dst_size);
                }
                w = t.n_features_out();
            },
            steps[s]);
    }
}

/// The scratch a step's transform_one takes from the arena (only a ColumnTransformer takes any).
inline Eigen::Index step_scratch_one(const Transform& t) {
    if (const auto* ct = std::get_if<ColumnTransformer>(&t)) return ct->scratch_one();
    return 0;
}

}  // namespace detail

inline Eigen::Index ColumnTransformer::n_features_out() const {
    Eigen::Index w = 0;
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel&) {
        w += detail::branch_width_out(b);
    });
    return w;
}

inline int ColumnTransformer::depth() const {
    int d = 0;
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel&) {
        for (const auto& s : b.steps) {
            if (const auto* ct = std::get_if<ColumnTransformer>(&s)) d = std::max(d, ct->depth());
        }
    });
    return d + 1;
}

inline std::size_t ColumnTransformer::total_steps() const {
    std::size_t n = 0;
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel&) {
        n += b.steps.size();
        for (const auto& s : b.steps) {
            if (const auto* ct = std::get_if<ColumnTransformer>(&s)) n += ct->total_steps();
        }
    });
    return n;
}

inline void ColumnTransformer::validate_at(int depth) const {
    if (depth > max_nesting) {
        detail::invalid_model(name, "nested " + std::to_string(depth) +
                                        " deep, more than the limit of " +
                                        std::to_string(max_nesting));
    }
    if (n_features_in < 1) detail::invalid_model(name, "has no input features");
    // The remainder lists every column no branch takes, so the input width is at most the number
    // of column entries: checked first, it bounds the table of used columns below.
    std::uint64_t entries = static_cast<std::uint64_t>(remainder.columns.size());
    for (const auto& b : branches) entries += static_cast<std::uint64_t>(b.columns.size());
    if (static_cast<std::uint64_t>(n_features_in) > entries) {
        detail::invalid_model(name, std::to_string(n_features_in) +
                                        " input features but the branches and the remainder "
                                        "list " +
                                        std::to_string(entries) +
                                        " columns: the remainder must list every column no "
                                        "branch takes");
    }
    std::vector<std::string> names;
    names.reserve(branches.size());
    for (std::size_t i = 0; i < branches.size(); ++i) {
        const std::string& n = branches[i].name;
        const std::string label = detail::branch_label(branches[i], i, false);
        if (n.empty()) detail::invalid_model(name, "branch " + std::to_string(i) + " has no name");
        if (n == "remainder")
            detail::invalid_model(name, label + ": the name 'remainder' is the remainder's");
        names.push_back(n);
    }
    std::sort(names.begin(), names.end());
    for (std::size_t i = 1; i < names.size(); ++i) {
        if (names[i] == names[i - 1])
            detail::invalid_model(name, "two branches are named " + detail::quoted(names[i]));
    }
    if (remainder.name != "remainder") {
        detail::invalid_model(name, "the remainder is named " + detail::quoted(remainder.name) +
                                        ", expected 'remainder'");
    }
    std::vector<bool> used(static_cast<std::size_t>(n_features_in), false);
    bool in_remainder = false;
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel& at) {
        const std::string label = at;
        in_remainder = &b == &remainder;
        detail::check_branch_shape(b, n_features_in, at);
        if (b.action != ColumnBranch::Action::steps && !b.steps.empty()) {
            detail::invalid_model(name, label + " is " + detail::action_name(b.action) +
                                            " but has " + std::to_string(b.steps.size()) +
                                            " steps");
        }
        for (std::size_t s = 0; s < b.steps.size(); ++s) {
            const std::string where = label + " step " + std::to_string(s);
            try {
                std::visit(
                    [&](const auto& t) {
                        using T = std::decay_t<decltype(t)>;
                        if constexpr (std::is_same_v<T, ColumnTransformer>)
                            t.validate_at(depth + 1);
                        else
                            t.validate();
                    },
                    b.steps[s]);
            } catch (const Error& e) {
                if (e.code() != Errc::invalid_model) throw;
                detail::invalid_model(name, where + ": " + detail::message_detail(e));
            }
        }
        if (!in_remainder) {
            for (Eigen::Index k = 0; k < b.columns.size(); ++k)
                used[static_cast<std::size_t>(b.columns(k))] = true;
            return;
        }
        // The remainder: ascending, and exactly the columns left.
        std::size_t left = 0;
        for (bool u : used) left += u ? 0 : 1;
        for (Eigen::Index k = 0; k < b.columns.size(); ++k) {
            const auto c = b.columns(k);
            if (k > 0 && c <= b.columns(k - 1)) {
                detail::invalid_model(
                    name, "remainder columns are not strictly ascending at " + std::to_string(k));
            }
            if (used[static_cast<std::size_t>(c)]) {
                detail::invalid_model(
                    name, "remainder column " + std::to_string(c) + " is taken by a branch");
            }
        }
        if (static_cast<std::size_t>(b.columns.size()) != left) {
            detail::invalid_model(name, "the remainder lists " + std::to_string(b.columns.size()) +
                                            " columns, " + std::to_string(left) +
                                            " are taken by no branch");
        }
    });
    if (n_features_out() < 1) detail::invalid_model(name, "produces no output columns");
}

// The `template <class = void>` members are not `inline` in compiled mode, so that its `extern`
// declarations of them hold (BRINE_MODELS_INLINE, brine/models/extern.hpp).

template <class>
BRINE_MODELS_INLINE Eigen::MatrixXd ColumnTransformer::transform(const MatrixRef& X) const {
    detail::check_columns(X.cols(), n_features(), name);
    Eigen::MatrixXd Z(X.rows(), n_features_out());
    transform_into(X, Z);
    return Z;
}

template <class>
BRINE_MODELS_INLINE void ColumnTransformer::transform_into(const MatrixRef& X,
                                                           Eigen::Ref<Eigen::MatrixXd> out) const {
    transform_into(detail::in_block(X), out);
}

template <class T>
void ColumnTransformer::transform_into(const detail::InBlock<T>& X,
                                       Eigen::Ref<Eigen::MatrixXd> out) const {
    detail::check_columns(X.cols(), n_features(), name);
    const Eigen::Index w = n_features_out();
    if (out.rows() != X.rows() || out.cols() != w) {
        throw Error(Errc::shape_mismatch,
                    std::string(name) + "::transform_into writes " + std::to_string(X.rows()) +
                        " x " + std::to_string(w) + " values, the output is " +
                        std::to_string(out.rows()) + " x " + std::to_string(out.cols()));
    }
    Eigen::Index at = 0;
    const Eigen::Index rows = X.rows();
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel& label) {
        detail::check_branch_shape(b, X.cols(), label);
        const Eigen::Index bw = detail::branch_width_out(b);
        if (b.action == ColumnBranch::Action::drop || bw == 0) return;
        if (b.action == ColumnBranch::Action::passthrough) {
            detail::visit_layout(X, [&](const auto& M) {
                detail::for_each_row_tile(M, [&](const auto& rows, Eigen::Index first) {
                    for (Eigen::Index k = 0; k < b.columns.size(); ++k)
                        out.col(at + k).segment(first, rows.rows()) =
                            rows.col(b.columns(k)).template cast<double>();
                });
            });
            at += bw;
            return;
        }
        const Eigen::Index k = b.columns.size();
        try {
            if (detail::contiguous_columns(b.columns)) {  // read in place
                const detail::InBlock<T> in(
                    rows == 0 ? X.data() : X.data() + b.columns(0) * X.outerStride(), rows, k,
                    Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(X.outerStride(),
                                                                  X.innerStride()));
                detail::run_chain_into(b.steps, in, out.middleCols(at, bw));
            } else {
                const detail::BlockScratch gathered(rows * k);
                Eigen::Map<Eigen::MatrixXd> G(gathered.data(), rows, k);
                detail::visit_layout(X, [&](const auto& M) {
                    detail::for_each_row_tile(M, [&](const auto& rows, Eigen::Index first) {
                        for (Eigen::Index c = 0; c < k; ++c)
                            G.col(c).segment(first, rows.rows()) =
                                rows.col(b.columns(c)).template cast<double>();
                    });
                });
                detail::run_chain_into(b.steps, detail::in_block(G), out.middleCols(at, bw));
            }
        } catch (const Error& e) {
            if (e.code() != Errc::invalid_input) throw;
            detail::rethrow_in_branch(e, label);
        }
        at += bw;
    });
}

inline Eigen::Index ColumnTransformer::scratch_one() const {
    Eigen::Index need = 0;
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel&) {
        if (b.action != ColumnBranch::Action::steps) return;
        Eigen::Index nested = 0;
        for (const auto& s : b.steps) nested = std::max(nested, detail::step_scratch_one(s));
        const Eigen::Index k = b.columns.size();
        need = std::max(need, k + 2 * detail::chain_max_width(b.steps, k) + nested);
    });
    return need;
}

template <class>
BRINE_MODELS_INLINE void ColumnTransformer::transform_one(const RowRef& x, double* out,
                                                          Eigen::Index size) const {
    detail::check_columns(x.size(), n_features(), name);
    detail::check_output_size(size, n_features_out(), name, "transform_one");
    // The outermost transformer sizes the per-thread scratch for every one nested in it.
    const auto whole =
        static_cast<std::size_t>(detail::one_row_arena().top == 0 ? scratch_one() : 0);
    Eigen::Index at = 0;
    detail::for_each_branch(*this, [&](const ColumnBranch& b, const detail::BranchLabel& label) {
        detail::check_branch_shape(b, x.size(), label);
        const Eigen::Index bw = detail::branch_width_out(b);
        if (b.action == ColumnBranch::Action::drop || bw == 0) return;
        if (b.action == ColumnBranch::Action::passthrough) {
            for (Eigen::Index k = 0; k < b.columns.size(); ++k) out[at + k] = x(b.columns(k));
            at += bw;
            return;
        }
        const Eigen::Index k = b.columns.size();
        const Eigen::Index max_w = detail::chain_max_width(b.steps, k);
        const detail::ArenaSlice slice(static_cast<std::size_t>(k + 2 * max_w), whole);
        double* in = slice.data();
        for (Eigen::Index c = 0; c < k; ++c) in[c] = x(b.columns(c));
        try {
            detail::run_chain_one(b.steps, Eigen::Map<const Eigen::RowVectorXd>(in, k), out + at,
                                  size - at, in + k, max_w);
        } catch (const Error& e) {
            if (e.code() != Errc::invalid_input) throw;
            detail::rethrow_in_branch(e, label);
        }
        at += bw;
    });
}

}  // namespace brine
