// The compiled mode's training half: every trainer of brine::train instantiated once, for the
// Eigen views the public functions take. Built into brine::compiled (with BRINE_COMPILED, so the
// headers' extern template declarations precede these definitions).
// SPDX-License-Identifier: MIT
#include "brine/train.hpp"

namespace brine::train {

using MatrixView = Eigen::Ref<const Eigen::MatrixXd>;
using VectorView = Eigen::Ref<const Eigen::VectorXd>;

template Eigen::MatrixXd detail::min_norm_least_squares<>(const MatrixView&, const MatrixView&);
template LinearRegression detail::fit_linear<>(const MatrixView&, const MatrixView&,
                                               const LinearOptions&);
template LogisticRegression logistic_regression<>(const MatrixView&, const VectorView&,
                                                  const LogisticOptions&, FitReport*);
template DecisionTree decision_tree_classifier<>(const MatrixView&, const VectorView&,
                                                 const TreeOptions&);
template DecisionTree decision_tree_regressor<>(const MatrixView&, const VectorView&,
                                                const TreeOptions&);
template TreeEnsemble random_forest_classifier<>(const MatrixView&, const VectorView&,
                                                 const ForestOptions&);
template TreeEnsemble random_forest_regressor<>(const MatrixView&, const VectorView&,
                                                const ForestOptions&);
template TreeEnsemble gradient_boosting_classifier<>(const MatrixView&, const VectorView&,
                                                     const BoostingOptions&);
template TreeEnsemble gradient_boosting_regressor<>(const MatrixView&, const VectorView&,
                                                    const BoostingOptions&);
template StandardScaler standard_scaler<>(const MatrixView&, const StandardScalerOptions&);
template MinMaxScaler min_max_scaler<>(const MatrixView&, const MinMaxScalerOptions&);
template MaxAbsScaler max_abs_scaler<>(const MatrixView&, const MaxAbsScalerOptions&);
template RobustScaler robust_scaler<>(const MatrixView&, const RobustScalerOptions&);
template SimpleImputer simple_imputer<>(const MatrixView&, const SimpleImputerOptions&);
template OneHotEncoder one_hot_encoder<>(const MatrixView&, const OneHotEncoderOptions&);
template Pipeline pipeline<>(const MatrixView&, const VectorView&, const PipelineOptions&);
template Pipeline pipeline<>(const MatrixView&, const VectorView&, std::vector<StepOptions>,
                             EstimatorOptions);
template Pipeline pipeline<LinearOptions>(const MatrixView&, const VectorView&,
                                          const std::vector<StepOptions>&, const LinearOptions&);
template Pipeline pipeline<LogisticOptions>(const MatrixView&, const VectorView&,
                                            const std::vector<StepOptions>&,
                                            const LogisticOptions&);
template Pipeline pipeline<TreeClassifierOptions>(const MatrixView&, const VectorView&,
                                                  const std::vector<StepOptions>&,
                                                  const TreeClassifierOptions&);
template Pipeline pipeline<TreeRegressorOptions>(const MatrixView&, const VectorView&,
                                                 const std::vector<StepOptions>&,
                                                 const TreeRegressorOptions&);

}  // namespace brine::train
