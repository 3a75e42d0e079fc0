// Serialization of Eigen dense matrices and vectors for brine's archives: {rows, cols, data},
// data in row-major order, one bulk copy per array in the binary encoding.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>
#include <cereal/cereal.hpp>

#include <cstdint>
#include <type_traits>

#include "brine/serialization/archive.hpp"

namespace brine::detail {

template <class S>
inline constexpr bool is_array_scalar_v =
    std::is_same_v<S, double> || std::is_same_v<S, std::int32_t> || std::is_same_v<S, std::uint8_t>;

template <class S, int R, int C, int O, int MR, int MC>
constexpr bool stored_row_major() {
    // A vector's storage order is the same either way; a row-major matrix is already in file order.
    return R == 1 || C == 1 || (O & Eigen::RowMajor) != 0;
}

}  // namespace brine::detail

namespace cereal {

/// Writes rows (u64), cols (u64) and the rows*cols entries in row-major order.
template <class Archive, class S, int R, int C, int O, int MR, int MC,
          std::enable_if_t<brine::detail::is_brine_output_archive_v<Archive>, int> = 0>
void CEREAL_SAVE_FUNCTION_NAME(Archive& ar, const Eigen::Matrix<S, R, C, O, MR, MC>& m) {
    static_assert(brine::detail::is_array_scalar_v<S>, "brine stores double, int32 and uint8 arrays");
    const auto rows = static_cast<std::uint64_t>(m.rows());
    const auto cols = static_cast<std::uint64_t>(m.cols());
    ar(make_nvp("rows", rows), make_nvp("cols", cols));
    const auto n = static_cast<std::size_t>(m.size());
    if constexpr (brine::detail::stored_row_major<S, R, C, O, MR, MC>()) {
        ar(make_nvp("data", brine::detail::make_array(m.data(), n)));
    } else {
        const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> t = m;
        ar(make_nvp("data", brine::detail::make_array(t.data(), n)));
    }
}

/// Reads what the save above wrote. The shape is checked (fixed dimensions, overflow, limits and,
/// through check_array, the data actually present) before any storage is allocated.
template <class Archive, class S, int R, int C, int O, int MR, int MC,
          std::enable_if_t<brine::detail::is_brine_input_archive_v<Archive>, int> = 0>
void CEREAL_LOAD_FUNCTION_NAME(Archive& ar, Eigen::Matrix<S, R, C, O, MR, MC>& m) {
    static_assert(brine::detail::is_array_scalar_v<S>, "brine stores double, int32 and uint8 arrays");
    std::uint64_t rows = 0, cols = 0;
    ar(make_nvp("rows", rows), make_nvp("cols", cols));
    if ((R != Eigen::Dynamic && rows != static_cast<std::uint64_t>(R)) ||
        (C != Eigen::Dynamic && cols != static_cast<std::uint64_t>(C))) {
        ar.fail(brine::Errc::malformed,
                "array of shape " + std::to_string(rows) + " x " + std::to_string(cols) +
                    " where the field has shape " +
                    (R == Eigen::Dynamic ? std::string("n") : std::to_string(R)) + " x " +
                    (C == Eigen::Dynamic ? std::string("n") : std::to_string(C)));
    }
    // Each dimension on its own too: with the other one 0 the product is 0, and a dimension of
    // 2^63 or more would become a negative Eigen::Index.
    constexpr auto max_extent =
        static_cast<std::uint64_t>(std::numeric_limits<Eigen::Index>::max() / 2);
    std::uint64_t n = 0;
    if (brine::detail::mul_overflows(rows, cols, n) || n > max_extent || rows > max_extent ||
        cols > max_extent) {
        ar.fail(brine::Errc::malformed, "array shape " + std::to_string(rows) + " x " +
                                            std::to_string(cols) + " overflows");
    }
    ar.check_array(n, sizeof(S), "data");
    m.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    if constexpr (brine::detail::stored_row_major<S, R, C, O, MR, MC>()) {
        ar(make_nvp("data", brine::detail::make_array(m.data(), static_cast<std::size_t>(n))));
    } else {
        Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> t(m.rows(), m.cols());
        ar(make_nvp("data", brine::detail::make_array(t.data(), static_cast<std::size_t>(n))));
        m = t;
    }
}

}  // namespace cereal
