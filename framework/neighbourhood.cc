#include "framework/neighbourhood.h"

namespace lfa {

PointBatch PointBatch::Slice(int64_t begin, int64_t end) const {
  return {flat.slice(0, begin, end), input_shape, seed, first_index + begin};
}

}  // namespace lfa
