// The model types' members that visit every kind (AnyModel's, Pipeline's and ColumnTransformer's
// `template <class = void>` members), declared `extern` in compiled mode (BRINE_COMPILED):
// src/brine_models.cpp defines them once, no other translation unit compiles them.
// SPDX-License-Identifier: MIT
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "brine/models/any_model.hpp"

/// The explicit instantiations of the visiting members; `EXTERN` is `extern` for the declarations,
/// empty for the definitions. A member is listed here only if its definition is not `inline` in
/// compiled mode (BRINE_MODELS_INLINE: an `extern` declaration does not stop a compiler
/// instantiating an inline function). The deprecated unsized predict_proba_one forms stay inline:
/// they only call the sized form.
#define BRINE_MODELS_INSTANTIATE_ALL(EXTERN)                                                       \
    EXTERN template ModelKind AnyModel::kind<void>() const;                                        \
    EXTERN template Eigen::Index AnyModel::n_features<void>() const;                               \
    EXTERN template Eigen::Index AnyModel::n_outputs<void>() const;                                \
    EXTERN template Eigen::Index AnyModel::n_classes<void>() const;                                \
    EXTERN template const Eigen::VectorXd& AnyModel::class_labels<void>() const;                   \
    EXTERN template void AnyModel::validate<void>() const;                                         \
    EXTERN template bool AnyModel::is_classifier<void>() const;                                    \
    EXTERN template Eigen::VectorXd AnyModel::predict<void>(const MatrixRef&) const;               \
    EXTERN template double AnyModel::predict_one<void>(const RowRef&) const;                       \
    EXTERN template Eigen::MatrixXd AnyModel::predict_proba<void>(const MatrixRef&) const;         \
    EXTERN template void AnyModel::predict_proba_one<void>(const RowRef&, double*, Eigen::Index)   \
        const;                                                                                     \
    EXTERN template Eigen::MatrixXd AnyModel::transform<void>(const MatrixRef&) const;             \
    EXTERN template ColumnMapping AnyModel::columns<void>(std::initializer_list<std::string_view>) \
        const;                                                                                     \
    EXTERN template Pipeline::Pipeline(std::vector<Transform>, Estimator);                         \
    EXTERN template Eigen::Index Pipeline::n_features<void>() const;                               \
    EXTERN template Eigen::Index Pipeline::n_outputs<void>() const;                                \
    EXTERN template const Eigen::VectorXd& Pipeline::class_labels<void>() const noexcept;          \
    EXTERN template void Pipeline::validate<void>() const;                                         \
    EXTERN template Eigen::Index Pipeline::n_features_out<void>() const;                           \
    EXTERN template Eigen::MatrixXd Pipeline::transform<void>(const MatrixRef&) const;             \
    EXTERN template Eigen::VectorXd Pipeline::predict<void>(const MatrixRef&) const;               \
    EXTERN template Eigen::MatrixXd Pipeline::predict_proba<void>(const MatrixRef&) const;         \
    EXTERN template double Pipeline::predict_one<void>(const RowRef&) const;                       \
    EXTERN template void Pipeline::predict_proba_one<void>(const RowRef&, double*, Eigen::Index)   \
        const;                                                                                     \
    EXTERN template Eigen::MatrixXd ColumnTransformer::transform<void>(const MatrixRef&) const;    \
    EXTERN template void ColumnTransformer::transform_into<void>(                                  \
        const MatrixRef&, Eigen::Ref<Eigen::MatrixXd>) const;                                      \
    EXTERN template void ColumnTransformer::transform_one<void>(const RowRef&, double*,            \
                                                                Eigen::Index) const;

namespace brine {

BRINE_MODELS_INSTANTIATE_ALL(extern)

}  // namespace brine
