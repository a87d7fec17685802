# Shared by the functions' Makefiles: the target runtime, the checks, and the two ways we publish a `bootstrap`.
# A function's Makefile sets PROJECT (its .csproj) and ASSEMBLY (its executable's name), includes this file,
# and runs $(publish-aot) or $(publish-ready-to-run) in its build-<LogicalId> target.
#
# The template's Architecture parameter is not visible to make: LAMBDA_ARCH (x86_64 | arm64, default x86_64)
# picks the target and must match it. Native AOT does not cross-compile between CPU architectures without a cross
# toolchain, so build arm64 on an arm64 machine: LAMBDA_ARCH=arm64 sam build.

LAMBDA_ARCH ?= x86_64

ifeq ($(LAMBDA_ARCH),x86_64)
  RID := linux-x64
  # Without an explicit instruction set the vectorised matching paths run several times slower under AOT.
  AOT_ISA := -p:IlcInstructionSet=x86-64-v3
else ifeq ($(LAMBDA_ARCH),arm64)
  RID := linux-arm64
  # The arm64 baseline already includes AdvSimd (neon), which is what the vectorised search uses; naming more sets
  # (dotprod, lse, ...) gains little and makes the binary refuse to start on a CPU that lacks one.
  AOT_ISA :=
else
  $(error LAMBDA_ARCH must be x86_64 or arm64, not '$(LAMBDA_ARCH)')
endif

PUBLISH_DIR := bin/sam-publish/$(RID)

define check-inputs
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it; by hand pass ARTIFACTS_DIR=<dir>)" >&2; exit 2; }
	@test -f ../Automation.Core/Automation.Core.csproj || { echo "../Automation.Core not found: run make in a function folder of a full checkout (sam build needs a SAM CLI that honours Metadata ProjectRootDirectory)" >&2; exit 2; }
	rm -rf "$(PUBLISH_DIR)"
	mkdir -p "$(ARTIFACTS_DIR)"
endef

# Native AOT: one self-contained executable, plus the rules file every function reads by default (RULES_FILE). PublishAot is set here, never in the project file: there it would
# also turn off compiled regex in JIT builds.
define publish-aot
	$(check-inputs)
	dotnet publish $(PROJECT) -c Release -r $(RID) -p:PublishAot=true $(AOT_ISA) -o "$(PUBLISH_DIR)"
	cp "$(PUBLISH_DIR)/$(ASSEMBLY)" "$(ARTIFACTS_DIR)/bootstrap"
	cp "$(PUBLISH_DIR)/rules.yaml" "$(ARTIFACTS_DIR)/rules.yaml"
	chmod 755 "$(ARTIFACTS_DIR)/bootstrap"
endef

# Self-contained ReadyToRun: the apphost finds its .dll and the runtime next to itself whatever its own name is,
# so renaming it to `bootstrap` is enough for the Lambda custom runtime to start it.
define publish-ready-to-run
	$(check-inputs)
	dotnet publish $(PROJECT) -c Release -r $(RID) --self-contained true -p:PublishReadyToRun=true -o "$(PUBLISH_DIR)"
	cp -R "$(PUBLISH_DIR)/." "$(ARTIFACTS_DIR)/"
	mv -f "$(ARTIFACTS_DIR)/$(ASSEMBLY)" "$(ARTIFACTS_DIR)/bootstrap"
	chmod 755 "$(ARTIFACTS_DIR)/bootstrap"
endef
