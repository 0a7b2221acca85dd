# Sourced by run.sh and test.sh after setup: the environment lfa runs in.
# LibTorch's OpenMP threads spin while they wait; on a shared or busy machine that makes every
# parallel region several times slower. Passive waiting costs nothing measurable when idle.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# The paper's data beside the checkout, unless LFA_DATA_DIR says otherwise.
if [ -z "${LFA_DATA_DIR:-}" ] && [ -d "$root/../shared/data" ]; then
  LFA_DATA_DIR="$(cd "$root/../shared/data" && pwd)"
  export LFA_DATA_DIR
fi
build="${LFA_BUILD_DIR:-$root/build}"
