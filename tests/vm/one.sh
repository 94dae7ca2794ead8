#!/bin/bash
# Runs one test script inside the VM of `make check-vm`, for working on it:
#   VM_DIR=build/vm bash tools/vm.sh run tests/vm/one.sh   (with VM_ENV=T and T=tests/netns/x.sh)
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
echo "# kernel $(uname -r)"
exec bash "${T:?set T to the test script}"
