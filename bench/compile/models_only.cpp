// Compile-time cost of predicting with a model held in memory: the model headers only.
#include <brine/models.hpp>

int main(int argc, char**) {
    brine::LogisticRegression m(brine::RowMatrix::Ones(1, 50), Eigen::VectorXd::Zero(1),
                                Eigen::Vector2d(0, 1));
    return m.predict_one(Eigen::RowVectorXd::Constant(50, argc)) > 0 ? 0 : 1;
}
