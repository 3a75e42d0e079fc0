// brine::Rows: a read-only view of a batch of samples in the caller's memory (any layout, double
// or float), and the one entry point through which every model's batch forms read it.
// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "brine/models/common.hpp"

namespace brine {

/// The element type of a Rows view.
enum class Element : std::uint8_t { f64 = 0, f32 = 1 };

/// A batch of samples where the caller keeps them: `rows` x `cols` doubles or floats, element
/// (i, j) at `data[i * row_stride + j * col_stride]` (strides in elements). Nothing is copied when
/// the view is made, and a model reads doubles in place whatever the layout; floats are converted
/// to double (exactly) on the way in, see the model's documentation for what it computes with them.
///
/// Made implicitly from any Eigen matrix of double or float with direct access (Matrix in either
/// storage order, Map with any strides, Ref, Block, Transpose), or explicitly from a pointer:
/// ```
/// m.predict(row_major_batch);                                   // Eigen, no copy
/// m.predict(brine::Rows(ptr, n_rows, n_cols), out, out_size);   // row-major buffer, no copy
/// m.predict(brine::Rows(ptr, n_rows, n_cols, row_stride), out, out_size);  // padded rows
/// m.predict(brine::Rows::column_major(ptr, n_rows, n_cols), out, out_size);
/// ```
/// The memory must outlive the view and stay unchanged during a call; a view never writes.
class Rows {
public:
    /// Row-major: row i at `data + i * row_stride` (row_stride 0 means `cols`, packed rows).
    Rows(const double* data, Eigen::Index rows, Eigen::Index cols, Eigen::Index row_stride = 0)
        : Rows(data, Element::f64, rows, cols, row_stride ? row_stride : cols, 1) {}
    /// Row-major floats.
    Rows(const float* data, Eigen::Index rows, Eigen::Index cols, Eigen::Index row_stride = 0)
        : Rows(data, Element::f32, rows, cols, row_stride ? row_stride : cols, 1) {}

    /// Column-major: column j at `data + j * col_stride` (col_stride 0 means `rows`).
    static Rows column_major(const double* data, Eigen::Index rows, Eigen::Index cols,
                             Eigen::Index col_stride = 0) {
        return Rows(data, Element::f64, rows, cols, 1, col_stride ? col_stride : rows);
    }
    static Rows column_major(const float* data, Eigen::Index rows, Eigen::Index cols,
                             Eigen::Index col_stride = 0) {
        return Rows(data, Element::f32, rows, cols, 1, col_stride ? col_stride : rows);
    }
    /// Any layout: element (i, j) at data[i * row_stride + j * col_stride].
    static Rows strided(const double* data, Eigen::Index rows, Eigen::Index cols,
                        Eigen::Index row_stride, Eigen::Index col_stride) {
        return Rows(data, Element::f64, rows, cols, row_stride, col_stride);
    }
    static Rows strided(const float* data, Eigen::Index rows, Eigen::Index cols,
                        Eigen::Index row_stride, Eigen::Index col_stride) {
        return Rows(data, Element::f32, rows, cols, row_stride, col_stride);
    }

    /// Any Eigen matrix of double or float with direct access, in place.
    template <class Derived,
              std::enable_if_t<(Derived::Flags & Eigen::DirectAccessBit) != 0 &&
                                   (std::is_same_v<typename Derived::Scalar, double> ||
                                    std::is_same_v<typename Derived::Scalar, float>),
                               int> = 0>
    Rows(const Eigen::DenseBase<Derived>& m)  // NOLINT: implicit by design
        : Rows(m.derived().data(),
               std::is_same_v<typename Derived::Scalar, double> ? Element::f64 : Element::f32,
               m.rows(), m.cols(), m.derived().rowStride(), m.derived().colStride()) {}

    const void* data() const noexcept { return data_; }
    Element element() const noexcept { return element_; }
    Eigen::Index rows() const noexcept { return rows_; }
    Eigen::Index cols() const noexcept { return cols_; }
    Eigen::Index row_stride() const noexcept { return row_stride_; }
    Eigen::Index col_stride() const noexcept { return col_stride_; }

private:
    Rows(const void* data, Element e, Eigen::Index rows, Eigen::Index cols, Eigen::Index rs,
         Eigen::Index cs)
        : data_(data), element_(e), rows_(rows), cols_(cols), row_stride_(rs), col_stride_(cs) {
        if (rows < 0 || cols < 0 || rs < 0 || cs < 0) {
            throw Error(Errc::invalid_argument, "Rows: " + std::to_string(rows) + " x " +
                                                    std::to_string(cols) + " with strides " +
                                                    std::to_string(rs) + ", " + std::to_string(cs) +
                                                    ": sizes and strides must not be negative");
        }
        if (data == nullptr && rows > 0 && cols > 0)
            throw Error(Errc::invalid_argument, "Rows: null data for a non-empty batch");
    }

    const void* data_;
    Element element_;
    Eigen::Index rows_, cols_, row_stride_, col_stride_;
};

namespace detail {

/// Column-major double blocks: what every model's kernels see.
using ColMap = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;

/// A per-thread buffer of at least n doubles, one per `Slot` (callers that are active at once use
/// different slots). It grows to the largest size asked for and is kept, so steady-state calls
/// allocate nothing.
template <int Slot>
double* scratch_doubles(Eigen::Index n) {
    thread_local std::vector<double> buf;
    if (buf.size() < static_cast<std::size_t>(n)) buf.resize(static_cast<std::size_t>(n));
    return buf.data();
}

inline constexpr int input_slot = 0;       ///< row-major, strided or float input, converted
inline constexpr int kernel_slot = 1;      ///< a kernel's scores
inline constexpr int pipeline_slot_a = 2;  ///< a pipeline's intermediate blocks
inline constexpr int pipeline_slot_b = 3;
inline constexpr int tile_slot = 4;  ///< a scaler's tile of rows (scale_block)

/// Rows per converted block (the last block takes the remainder, up to twice as many).
inline constexpr Eigen::Index input_block_rows = 256;

/// The one entry point of every batch form: calls f(B, first) for consecutive blocks of the rows
/// of `in`, B a column-major double matrix (ColMap) of the rows from `first` on. Column-major
/// doubles are one block, read in place. Every other input (row-major, other strides, floats) is
/// converted into a per-thread column-major buffer one block at a time, which stays in cache, the
/// floats to the doubles they equal exactly. Every kernel therefore runs the arithmetic of the
/// column-major double form and gives the same bits: blocks are multiples of input_block_rows
/// (Pipeline's block size too), the last one at least input_block_rows long (so no block is small
/// enough for Eigen to switch to its small-product code), and a wide input's buffer keeps a
/// column stride on the same side of Eigen's matrix-vector blocking threshold (4000 rows) as the
/// whole batch's.
template <class F>
void for_each_column_block(const Rows& in, F&& f) {
    const Eigen::Index r = in.rows(), c = in.cols();
    const Eigen::Index rs = in.row_stride(), cs = in.col_stride();
    if (r == 0 || c == 0) {  // nothing to read: any data pointer will do
        static const double none = 0.0;
        f(ColMap(&none, r, c, Eigen::OuterStride<>(r > 0 ? r : 1)), Eigen::Index{0});
        return;
    }
    if (in.element() == Element::f64 && (rs == 1 || r == 1)) {
        const auto* p = static_cast<const double*>(in.data());
        f(ColMap(p, r, c,
                 Eigen::OuterStride<>(r == 1 && rs != 1 ? std::max(cs, Eigen::Index{1}) : cs)),
          Eigen::Index{0});
        return;
    }
    const Eigen::Index most = r < 2 * input_block_rows ? r : 2 * input_block_rows - 1;
    const Eigen::Index stride = c >= 128 && r >= 4000 ? std::max<Eigen::Index>(most, 4000) : most;
    double* buf = scratch_doubles<input_slot>(stride * c);
    for (Eigen::Index first = 0; first < r;) {
        const Eigen::Index n = r - first < 2 * input_block_rows ? r - first : input_block_rows;
        Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>> to(buf, n, c,
                                                                Eigen::OuterStride<>(stride));
        if (in.element() == Element::f64) {
            const auto* p = static_cast<const double*>(in.data()) + first * rs;
            if (cs == 1) {  // row-major: a transposing copy of known layouts
                to = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>(p, n, c,
                                                                          Eigen::OuterStride<>(rs));
            } else {
                to = Eigen::Map<const Eigen::MatrixXd, 0,
                                Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>(
                    p, n, c, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(cs, rs));
            }
        } else {
            using RowMatrixF =
                Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
            const auto* p = static_cast<const float*>(in.data()) + first * rs;
            if (cs == 1) {
                to = Eigen::Map<const RowMatrixF, 0, Eigen::OuterStride<>>(p, n, c,
                                                                           Eigen::OuterStride<>(rs))
                         .cast<double>();
            } else if (rs == 1) {
                to = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>(
                         p, n, c, Eigen::OuterStride<>(cs))
                         .cast<double>();
            } else {
                to = Eigen::Map<const Eigen::MatrixXf, 0,
                                Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>(
                         p, n, c, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(cs, rs))
                         .cast<double>();
            }
        }
        const InputRowBase base(first);
        f(ColMap(buf, n, c, Eigen::OuterStride<>(stride)), first);
        first += n;
    }
}

/// Input of any strides (element (i, j) at data[i * innerStride() + j * outerStride()]), double
/// or float, read in place by the kernels of kinds that read any layout or any input.
template <class T>
using InBlock = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>, 0,
                           Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
/// Double input of any strides, read in place (for kinds whose kernels read any layout).
using StridedMap = InBlock<double>;

/// Kinds that declare `static constexpr bool reads_any_layout = true` (their kernels read rows
/// through rowStride() and colStride(), element by element, with the same result in every layout,
/// as a tree walk does) get double input of any layout in place, as a StridedMap, instead of
/// converted column-major blocks.
template <class Model, class = void>
struct reads_any_layout : std::false_type {};
template <class Model>
struct reads_any_layout<Model, std::enable_if_t<Model::reads_any_layout>> : std::true_type {};

/// Rows [first, first + n) of X (any Eigen matrix with direct access) as an InBlock, in place.
template <class M>
InBlock<typename M::Scalar> in_block_rows(const M& X, Eigen::Index first, Eigen::Index n) {
    return InBlock<typename M::Scalar>(
        X.data() + first * X.rowStride(), n, X.cols(),
        Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(X.colStride(), X.rowStride()));
}
template <class M>
InBlock<typename M::Scalar> in_block(const M& X) {
    return in_block_rows(X, 0, X.rows());
}

/// Kinds that declare `static constexpr bool reads_any_input = true` (a Pipeline, the
/// transformers: their block kernels take an InBlock<double> or InBlock<float> of any strides and
/// compute what they compute on the column-major doubles of the same values) get every non-empty
/// input in place, floats included.
template <class Model, class = void>
struct reads_any_input : std::false_type {};
template <class Model>
struct reads_any_input<Model, std::enable_if_t<Model::reads_any_input>> : std::true_type {};

/// for_each_column_block, or for a kind that reads any layout and double input, f(StridedMap of
/// every row, 0), or for a kind that reads any input, f(InBlock<double or float> of every row, 0).
template <class Model, class F>
void for_each_block_for(const Rows& in, F&& f) {
    if constexpr (reads_any_input<Model>::value) {
        if (in.rows() > 0 && in.cols() > 0) {
            const Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic> s(in.col_stride(), in.row_stride());
            if (in.element() == Element::f64) {
                f(InBlock<double>(static_cast<const double*>(in.data()), in.rows(), in.cols(), s),
                  Eigen::Index{0});
            } else {
                f(InBlock<float>(static_cast<const float*>(in.data()), in.rows(), in.cols(), s),
                  Eigen::Index{0});
            }
            return;
        }
    } else if constexpr (reads_any_layout<Model>::value) {
        if (in.element() == Element::f64 && in.rows() > 0 && in.cols() > 0) {
            f(StridedMap(
                  static_cast<const double*>(in.data()), in.rows(), in.cols(),
                  Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(in.col_stride(), in.row_stride())),
              Eigen::Index{0});
            return;
        }
    }
    for_each_column_block(in, f);
}

/// Inputs that go through a model's Rows forms when passed to predict(X) / predict_proba(X):
/// Rows itself, and Eigen matrices with direct access that the MatrixRef forms would copy
/// (row-major storage, float scalars). Column-major double matrices keep the MatrixRef forms.
template <class T, class = void>
struct is_rows_input : std::false_type {};
template <>
struct is_rows_input<Rows> : std::true_type {};
template <class T>
struct is_rows_input<T, std::enable_if_t<std::is_base_of_v<Eigen::DenseBase<T>, T>>>
    : std::bool_constant<(T::Flags & Eigen::DirectAccessBit) != 0 && T::RowsAtCompileTime != 1 &&
                         (std::is_same_v<typename T::Scalar, float> ||
                          (std::is_same_v<typename T::Scalar, double> && T::IsRowMajor))> {};
template <class T>
using enable_if_rows_input =
    std::enable_if_t<is_rows_input<std::remove_cv_t<std::remove_reference_t<T>>>::value, int>;

/// The forms every estimator gets from its kernels (see README, "Serving", for the contract).
/// `Model::predict_into(X, out)` writes X.rows() values to out.
template <class Model>
Eigen::VectorXd predict_rows(const Model& m, const Rows& X) {
    Eigen::VectorXd y(X.rows());
    for_each_block_for<Model>(
        X, [&](const auto& B, Eigen::Index first) { m.predict_into(B, y.data() + first); });
    return y;
}

template <class Model>
void predict_rows_into(const Model& m, const Rows& X, double* out, Eigen::Index size,
                       const char* name) {
    check_output_size(size, X.rows(), name, "predict");
    for_each_block_for<Model>(
        X, [&](const auto& B, Eigen::Index first) { m.predict_into(B, out + first); });
}

/// `Model::predict_proba_into(X, out, row_stride, col_stride)` writes X.rows() x n_classes()
/// values, probability k of row i at out[i * row_stride + k * col_stride].
template <class Model>
Eigen::MatrixXd predict_proba_rows(const Model& m, const Rows& X) {
    Eigen::MatrixXd p(X.rows(), m.n_classes());
    for_each_block_for<Model>(X, [&](const auto& B, Eigen::Index first) {
        m.predict_proba_into(B, p.data() + first, 1, X.rows());
    });
    return p;
}

/// Into a row-major buffer: sample i's probabilities at out[i * n_classes .. (i + 1) * n_classes).
template <class Model>
void predict_proba_rows_into(const Model& m, const Rows& X, double* out, Eigen::Index size,
                             const char* name) {
    const Eigen::Index k = m.n_classes();
    check_output_size(size, X.rows() * k, name, "predict_proba");
    for_each_block_for<Model>(X, [&](const auto& B, Eigen::Index first) {
        m.predict_proba_into(B, out + first * k, k, 1);
    });
}

// ---- Kernels a kind may have (detected, so that a kind gets exactly the Rows forms it can serve)

template <class M, class = void>
struct has_predict_kernel : std::false_type {};
template <class M>
struct has_predict_kernel<M, std::void_t<decltype(std::declval<const M&>().predict_into(
                                 std::declval<const ColMap&>(), std::declval<double*>()))>>
    : std::true_type {};

template <class M, class = void>
struct has_proba_kernel : std::false_type {};
template <class M>
struct has_proba_kernel<M, std::void_t<decltype(std::declval<const M&>().predict_proba_into(
                               std::declval<const ColMap&>(), std::declval<double*>(),
                               Eigen::Index{}, Eigen::Index{}))>> : std::true_type {};

template <class M, class = void>
struct has_decision_kernel : std::false_type {};
template <class M>
struct has_decision_kernel<M, std::void_t<decltype(std::declval<const M&>().decision_function_into(
                                  std::declval<const ColMap&>(), std::declval<double*>(),
                                  Eigen::Index{}, Eigen::Index{}))>> : std::true_type {};

template <class M, class = void>
struct has_apply_kernel : std::false_type {};
template <class M>
struct has_apply_kernel<M, std::void_t<decltype(std::declval<const M&>().apply_into(
                               std::declval<const ColMap&>(), std::declval<std::int32_t*>()))>>
    : std::true_type {};

template <class M, class = void>
struct has_transform_kernel : std::false_type {};
template <class M>
struct has_transform_kernel<
    M, std::void_t<decltype(std::declval<const M&>().transform_into(
           std::declval<const ColMap&>(), std::declval<Eigen::Ref<Eigen::MatrixXd>>()))>>
    : std::true_type {};

/// The width of a transformer's output: n_features_out() where the kind has it, else n_outputs().
template <class M, class = void>
struct has_n_features_out : std::false_type {};
template <class M>
struct has_n_features_out<M, std::void_t<decltype(std::declval<const M&>().n_features_out())>>
    : std::true_type {};
template <class M>
Eigen::Index transform_width(const M& m) {
    if constexpr (has_n_features_out<M>::value) {
        return m.n_features_out();
    } else {
        return m.n_outputs();
    }
}

template <bool B>
using enable_if_t_int = std::enable_if_t<B, int>;

/// `Model::decision_function_into(X, out, row_stride, col_stride)` writes X.rows() x
/// n_scores() values, as predict_proba_into does.
template <class Model>
Eigen::MatrixXd decision_function_rows(const Model& m, const Rows& X) {
    Eigen::MatrixXd s(X.rows(), m.n_scores());
    for_each_block_for<Model>(X, [&](const auto& B, Eigen::Index first) {
        m.decision_function_into(B, s.data() + first, 1, X.rows());
    });
    return s;
}

template <class Model>
void decision_function_rows_into(const Model& m, const Rows& X, double* out, Eigen::Index size,
                                 const char* name) {
    const Eigen::Index k = m.n_scores();
    check_output_size(size, X.rows() * k, name, "decision_function");
    for_each_block_for<Model>(X, [&](const auto& B, Eigen::Index first) {
        m.decision_function_into(B, out + first * k, k, 1);
    });
}

/// `Model::apply_into(X, out)` writes the X.rows() leaf indices to out.
template <class Model>
void apply_rows_into(const Model& m, const Rows& X, std::int32_t* out) {
    for_each_block_for<Model>(
        X, [&](const auto& B, Eigen::Index first) { m.apply_into(B, out + first); });
}

/// `Model::transform_into(B, out)` (B a column-major block, or any input if the kind
/// `reads_any_input`; out B.rows() x width, column-major) for each block of X, into column-major
/// `out` (X.rows() x width, column stride `out_stride`).
template <class Model>
void transform_rows_into(const Model& m, const Rows& X, double* out, Eigen::Index out_stride) {
    const Eigen::Index w = transform_width(m);
    for_each_block_for<Model>(X, [&](const auto& B, Eigen::Index first) {
        m.transform_into(B, Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>>(
                                out + first, B.rows(), w, Eigen::OuterStride<>(out_stride)));
    });
}

}  // namespace detail

/// The Rows forms of a kind's batch functions, made from its kernels: a kind derives from
/// RowsForms<Kind> (and declares `friend RowsForms<Kind>;` when its `name` is private), names the
/// forms next to its own overloads with using-declarations, and gets, for each kernel it has:
///
/// | kernel (X a column-major block; doubles of any layout if the kind `reads_any_layout`, any
/// layout and floats if it `reads_any_input`) | forms |
/// |---|---|
/// | `predict_into(X, double* out)` | `predict(X)` for a row-major, float or Rows batch;
/// `predict(Rows, out, size)`; `predict(Rows, buffer)` | | `predict_proba_into(X, out, row_stride,
/// col_stride)`, `n_classes()` | the same for `predict_proba` (buffers row-major: sample i's values
/// together) | | `decision_function_into(X, out, row_stride, col_stride)`, `n_scores()` | the same
/// for `decision_function` | | `apply_into(X, std::int32_t* out)` | `apply(X)` for a row-major,
/// float or Rows batch | | `transform_into(MatrixRef X, Eigen::Ref<Eigen::MatrixXd> out)` |
/// `transform(X)` for a row-major, float or Rows batch; `transform(Rows, out, size)` into a
/// row-major buffer |
///
/// Column-major double matrices keep the kind's own MatrixRef overloads. A buffer smaller than
/// the result is Errc::shape_mismatch and nothing is written.
namespace detail {

/// A model that holds one of several kinds (AnyModel, which declares `static constexpr bool
/// dispatches_rows = true` and has variant()) hands a Rows call to the kind it holds, so that the
/// kind reads the input in place as its own forms do (a Pipeline or a transformer: no column-major
/// copy of each block first). f(kind) runs when that kind has the kernel `Has`, else fallback()
/// (the holder's own path, which gives the holder's error for a kind without it).
template <class M, class = void>
struct dispatches_rows : std::false_type {};
template <class M>
struct dispatches_rows<M, std::enable_if_t<M::dispatches_rows>> : std::true_type {};

template <template <class, class> class Has, class Model, class F, class G>
std::invoke_result_t<G&> held_kind_or(const Model& m, F&& f, G&& fallback) {
    using Result = std::invoke_result_t<G&>;
    if constexpr (dispatches_rows<Model>::value) {
        return std::visit(
            [&f, &fallback](const auto& k) -> Result {
                using K = std::decay_t<decltype(k)>;
                if constexpr (Has<K, void>::value) {
                    return f(k);
                } else {
                    return fallback();
                }
            },
            m.variant());
    } else {
        return fallback();
    }
}

}  // namespace detail

template <class Derived>
class RowsForms {
    template <template <class, class> class Has, class D>
    using when = detail::enable_if_t_int<Has<D, void>::value>;
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
    static const char* model_name() noexcept { return Derived::name; }

public:
    template <class In, class D = Derived, detail::enable_if_rows_input<In> = 0,
              when<detail::has_predict_kernel, D> = 0>
    Eigen::VectorXd predict(const In& X) const {
        const Rows R(X);
        return detail::held_kind_or<detail::has_predict_kernel>(
            self(), [&](const auto& k) { return detail::predict_rows(k, R); },
            [&] { return detail::predict_rows(self(), R); });
    }
    /// predict into out[0 .. X.rows()).
    template <class D = Derived, when<detail::has_predict_kernel, D> = 0>
    void predict(const Rows& X, double* out, Eigen::Index size) const {
        detail::held_kind_or<detail::has_predict_kernel>(
            self(),
            [&](const auto& k) { detail::predict_rows_into(k, X, out, size, model_name()); },
            [&] { detail::predict_rows_into(self(), X, out, size, model_name()); });
    }
    /// predict into a contiguous buffer (std::vector<double>, std::array, Eigen vector).
    template <class Buffer, class D = Derived, detail::enable_if_double_buffer<Buffer> = 0,
              when<detail::has_predict_kernel, D> = 0>
    void predict(const Rows& X, Buffer&& out) const {
        predict(X, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    template <class In, class D = Derived, detail::enable_if_rows_input<In> = 0,
              when<detail::has_proba_kernel, D> = 0>
    Eigen::MatrixXd predict_proba(const In& X) const {
        const Rows R(X);
        return detail::held_kind_or<detail::has_proba_kernel>(
            self(), [&](const auto& k) { return detail::predict_proba_rows(k, R); },
            [&] { return detail::predict_proba_rows(self(), R); });
    }
    /// Probabilities into a row-major buffer: sample i's n_classes() values at
    /// out[i * n_classes() ..].
    template <class D = Derived, when<detail::has_proba_kernel, D> = 0>
    void predict_proba(const Rows& X, double* out, Eigen::Index size) const {
        detail::held_kind_or<detail::has_proba_kernel>(
            self(),
            [&](const auto& k) { detail::predict_proba_rows_into(k, X, out, size, model_name()); },
            [&] { detail::predict_proba_rows_into(self(), X, out, size, model_name()); });
    }
    template <class Buffer, class D = Derived, detail::enable_if_double_buffer<Buffer> = 0,
              when<detail::has_proba_kernel, D> = 0>
    void predict_proba(const Rows& X, Buffer&& out) const {
        predict_proba(X, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    template <class In, class D = Derived, detail::enable_if_rows_input<In> = 0,
              when<detail::has_decision_kernel, D> = 0>
    Eigen::MatrixXd decision_function(const In& X) const {
        return detail::decision_function_rows(self(), Rows(X));
    }
    /// Scores into a row-major buffer: sample i's n_scores() values at out[i * n_scores() ..].
    template <class D = Derived, when<detail::has_decision_kernel, D> = 0>
    void decision_function(const Rows& X, double* out, Eigen::Index size) const {
        detail::decision_function_rows_into(self(), X, out, size, model_name());
    }
    template <class Buffer, class D = Derived, detail::enable_if_double_buffer<Buffer> = 0,
              when<detail::has_decision_kernel, D> = 0>
    void decision_function(const Rows& X, Buffer&& out) const {
        decision_function(X, out.data(), static_cast<Eigen::Index>(out.size()));
    }

    template <class In, class D = Derived, detail::enable_if_rows_input<In> = 0,
              when<detail::has_apply_kernel, D> = 0>
    IndexVector apply(const In& X) const {
        const Rows R(X);
        IndexVector leaves(R.rows());
        detail::apply_rows_into(self(), R, leaves.data());
        return leaves;
    }

    template <class In, class D = Derived, detail::enable_if_rows_input<In> = 0,
              when<detail::has_transform_kernel, D> = 0>
    Eigen::MatrixXd transform(const In& X) const {
        const Rows R(X);
        Eigen::MatrixXd Z(R.rows(), detail::transform_width(self()));
        detail::transform_rows_into(self(), R, Z.data(), R.rows());
        return Z;
    }
    /// transform into a row-major buffer: sample i's outputs at out[i * width ..], width the
    /// kind's output width. No heap allocation once a per-thread buffer has grown to one block.
    template <class D = Derived, when<detail::has_transform_kernel, D> = 0>
    void transform(const Rows& X, double* out, Eigen::Index size) const {
        const Eigen::Index w = detail::transform_width(self());
        detail::check_output_size(size, X.rows() * w, model_name(), "transform");
        detail::for_each_block_for<Derived>(X, [&](const auto& B, Eigen::Index first) {
            // One block of rows at a time through a per-thread column-major buffer.
            constexpr Eigen::Index block = detail::input_block_rows;
            for (Eigen::Index i = 0; i < B.rows(); i += block) {
                const Eigen::Index n = std::min(block, B.rows() - i);
                const detail::InputRowBase base(i);
                double* z = detail::scratch_doubles<detail::kernel_slot>(n * w);
                Eigen::Map<Eigen::MatrixXd> Z(z, n, w);
                self().transform_into(detail::in_block_rows(B, i, n), Z);
                Eigen::Map<RowMatrix>(out + (first + i) * w, n, w) = Z;
            }
        });
    }
    template <class Buffer, class D = Derived, detail::enable_if_double_buffer<Buffer> = 0,
              when<detail::has_transform_kernel, D> = 0>
    void transform(const Rows& X, Buffer&& out) const {
        transform(X, out.data(), static_cast<Eigen::Index>(out.size()));
    }
};

/// The single-row forms into a contiguous buffer (std::vector<double>, std::array<double, N>,
/// Eigen vector), for a kind that has the pointer forms `predict_proba_one(RowRef, double* out,
/// Eigen::Index size)` and `decision_function_one(RowRef, double*, Eigen::Index)`: each hands the
/// buffer's data and size to them (so it throws as they do). A kind derives from
/// OneRowForms<Kind> and names the forms next to its own with using-declarations.
template <class Derived>
class OneRowForms {
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

public:
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void predict_proba_one(const RowRef& x, Buffer&& out) const {
        self().predict_proba_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }
    template <class Buffer, detail::enable_if_double_buffer<Buffer> = 0>
    void decision_function_one(const RowRef& x, Buffer&& out) const {
        self().decision_function_one(x, out.data(), static_cast<Eigen::Index>(out.size()));
    }
};

}  // namespace brine
