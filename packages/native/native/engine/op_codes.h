// The codes kernels receive in their params: dtypes and the ops of the unary, binary and
// reduce kernels. Every device reads the same codes; the TypeScript side
// (src/kernels/params.ts) writes them, so the two must stay in step.
#pragma once

namespace gft {

enum Dtype : int { kF32 = 0, kI32 = 1, kBool = 2 };

enum UnaryOp : int {
  kNeg = 0, kAbs, kExp, kLog, kSqrt, kRsqrt, kSquare, kSigmoid, kTanh, kRelu,
  kSign, kFloor, kCeil, kRound, kReciprocal, kLog1p, kExpm1, kSin, kCos, kSoftplus,
  kElu, kRelu6, kLeakyRelu, kClip, kStep, kIsNan, kIsInf, kIsFinite, kLogicalNot, kErf,
  kGeluTanh, kSelu,
};

enum BinaryOp : int {
  kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kPow, kSquaredDiff, kFloorDiv, kMod,
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual, kLogicalAnd, kLogicalOr,
  kAtan2, kDivNoNan,
};

enum ReduceOp : int { kSum = 0, kMean, kMaxOf, kMinOf, kProd, kAny, kAll, kArgMax, kArgMin };

}  // namespace gft
