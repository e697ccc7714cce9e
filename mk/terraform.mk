# Terraform (terraform/): static checks, the end-to-end check on moto, the local emulator, and a
# real AWS account. The same configuration serves all of them; `aws_endpoint` is the only switch.

TF_DIR := $(ROOT)/terraform
TF_CACHE := $(ROOT)/.cache/terraform
# The emulator of the running local stack, as the host sees it.
TF_ENDPOINT ?= http://localhost:4566
# Seconds `make deploy-aws` waits for the host's /status.
DEPLOY_WAIT ?= 600
# .tflint.aws.hcl adds the AWS ruleset (needs `tflint --init` and github.com): see terraform/README.md.
TFLINT_CONFIG ?= .tflint.hcl
# The env contract: .env when present, else .env-example.
TF_ENV_FILE = $(firstword $(wildcard $(ROOT)/.env) $(ROOT)/.env-example)
TF_K8S_MINOR = $(word 1,$(subst ., ,$(KUBERNETES_VERSION))).$(word 2,$(subst ., ,$(KUBERNETES_VERSION)))

# terraform-docs writes the part of each README between its markers (terraform/.terraform-docs.yml):
# terraform/ and every module.
# tflint and terraform-docs: PATH at the pinned version, else the pinned build (Makefile: tool).
TF_DOCS ?= $(call tool,TF_DOCS,terraform-docs)
TFLINT ?= $(call tool,TFLINT,tflint)
TF_DOCS_DIRS = $(TF_DIR) $(sort $(patsubst %/,%,$(dir $(wildcard $(TF_DIR)/modules/*/main.tf))))

TF_REQUIRE = command -v terraform >/dev/null 2>&1 || { echo "error: terraform is not installed: install Terraform >= 1.5 (versions.env pins $(TERRAFORM_VERSION)), https://developer.hashicorp.com/terraform/install" >&2; exit 1; }
TF_CHECK = TF_DATA_DIR=$(TF_CACHE)/check TF_IN_AUTOMATION=1 terraform -chdir=$(TF_DIR)

.PHONY: tf-check
tf-check: ## Terraform static checks: fmt, validate, tflint, checkov, pins, generated docs (offline)
	@$(TF_REQUIRE)
	@echo "terraform fmt -check -recursive"
	@terraform -chdir=$(TF_DIR) fmt -check -recursive -diff
	@echo "terraform validate"
	@$(TF_CHECK) init -backend=false -input=false -lockfile=readonly -no-color >/dev/null
	@$(TF_CHECK) validate -no-color
	@echo "eks_kubernetes_version default follows KUBERNETES_VERSION ($(TF_K8S_MINOR)) of versions.env"
	@grep -A3 '^variable "eks_kubernetes_version"' $(TF_DIR)/variables.tf | grep -q 'default *= *"$(TF_K8S_MINOR)"' || { \
	  echo "error: terraform/variables.tf eks_kubernetes_version default is not \"$(TF_K8S_MINOR)\" (KUBERNETES_VERSION=$(KUBERNETES_VERSION))" >&2; exit 1; }
	@echo "tflint $(TFLINT_VERSION) ($(TFLINT_CONFIG))"
	@cd $(TF_DIR) && $(TFLINT) --config=$(TF_DIR)/$(TFLINT_CONFIG) --recursive --format=compact
	@echo "checkov $(CHECKOV_VERSION)"
	@cd $(TF_DIR) && "$$($(ROOT)/scripts/ensure-pytool.sh 'checkov==$(CHECKOV_VERSION)')/checkov" --config-file $(TF_DIR)/.checkov.yaml --directory .
	@$(MAKE) tf-docs-check

.PHONY: tf-docs
tf-docs: ## Regenerate the terraform-docs part of terraform/README.md and terraform/modules/*/README.md
	@cd $(TF_DIR) && for dir in $(TF_DOCS_DIRS); do $(TF_DOCS) --config .terraform-docs.yml "$$dir"; done

.PHONY: tf-docs-check
tf-docs-check: ## Fail when a generated README section under terraform/ is stale, naming each one
	@echo "terraform-docs $(TERRAFORM_DOCS_VERSION) --output-check: README.md of terraform/ and of each module"
	@stale=(); failed=0; \
	  for dir in $(TF_DOCS_DIRS); do \
	    if ! out=$$(cd $(TF_DIR) && $(TF_DOCS) --config .terraform-docs.yml --output-check "$$dir" 2>&1); then \
	      if grep -q 'is out of date' <<<"$$out"; then stale+=("$${dir#$(ROOT)/}/README.md"); else echo "$$out" >&2; failed=1; fi; \
	    fi; \
	  done; \
	  for f in $${stale[@]+"$${stale[@]}"}; do echo "stale: $$f" >&2; done; \
	  ((failed == 0)) || { echo "error: terraform-docs failed (above)" >&2; exit 1; }; \
	  (($${#stale[@]} == 0)) || { echo "error: $${#stale[@]} generated README section(s) differ from the .tf files: run 'make tf-docs' and commit the result" >&2; exit 1; }

.PHONY: tf-moto-test
tf-moto-test: bench-deps ## Terraform end to end on moto: apply all (EC2+EKS), no drift, schema check, service tests, destroy leaves nothing
	@$(TF_REQUIRE)
	@$(NODE_PATH_ENV) $(ROOT)/verify/checks/terraform-moto-check.sh

.PHONY: tf-local
tf-local: ## Apply terraform/ to the local stack's emulator (TF_ENDPOINT, default http://localhost:4566); no EC2/EKS/ECR
	@$(TF_REQUIRE)
	@curl -s -o /dev/null --max-time 5 $(TF_ENDPOINT) || { echo "error: no emulator answers at $(TF_ENDPOINT): start the local stack (make up) or set TF_ENDPOINT=" >&2; exit 1; }
	@mkdir -p $(TF_CACHE)/local
	@val() { sed -n "s/^$$1=//p" "$(TF_ENV_FILE)" | tail -n 1; }; \
	  echo "names from $(notdir $(TF_ENV_FILE))"; \
	  TF_ENDPOINT=$(TF_ENDPOINT) TF_STATE_DIR=$(TF_CACHE)/local PROJECT_DIR=$(ROOT) \
	  AWS_REGION="$$(val AWS_REGION)" USERS_TABLE="$$(val USERS_TABLE)" STATE_TABLE="$$(val STATE_TABLE)" \
	  AVATARS_BUCKET="$$(val AVATARS_BUCKET)" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
	  TF_VAR_avatars_force_destroy=true \
	  $(ROOT)/scripts/provision-local.sh

.PHONY: tf-local-destroy
tf-local-destroy: ## Destroy what `make tf-local` created on the emulator (state in .cache/terraform/local)
	@$(TF_REQUIRE)
	@[ -f $(TF_CACHE)/local/terraform.tfstate ] || { echo "nothing to destroy: no state in $(TF_CACHE)/local"; exit 0; }; \
	  val() { sed -n "s/^$$1=//p" "$(TF_ENV_FILE)" | tail -n 1; }; \
	  export TF_DATA_DIR=$(TF_CACHE)/local/.terraform TF_IN_AUTOMATION=1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test; \
	  terraform -chdir=$(TF_DIR) init -input=false -no-color -reconfigure -backend-config=path=$(TF_CACHE)/local/terraform.tfstate >/dev/null && \
	  terraform -chdir=$(TF_DIR) destroy -auto-approve -input=false -no-color \
	    -var aws_endpoint=$(TF_ENDPOINT) -var aws_region="$$(val AWS_REGION)" \
	    -var users_table_name="$$(val USERS_TABLE)" -var state_table_name="$$(val STATE_TABLE)" \
	    -var avatars_bucket_name="$$(val AVATARS_BUCKET)" -var avatars_force_destroy=true \
	    -var enable_ec2=false -var enable_eks=false -var enable_registry=false -var allow_plain_http=true

.PHONY: deploy-aws
deploy-aws: ## Deploy to your AWS account: plan, confirm (AUTO_APPROVE=1 skips), build, apply, push, wait for /status
	@$(TF_REQUIRE)
	@AUTO_APPROVE=$(AUTO_APPROVE) DEPLOY_WAIT=$(DEPLOY_WAIT) $(TF_DIR)/scripts/aws.sh deploy

.PHONY: destroy-aws
destroy-aws: ## Destroy everything deploy-aws created in your AWS account, pushed images included (confirmation)
	@$(TF_REQUIRE)
	@AUTO_APPROVE=$(AUTO_APPROVE) $(TF_DIR)/scripts/aws.sh destroy

.PHONY: deploy-aws-check
deploy-aws-check: bench-deps ## make deploy-aws and destroy-aws end to end on moto and a local registry: order, tag, rerun, timeout report, teardown
	@$(TF_REQUIRE)
	@$(NODE_PATH_ENV) $(ROOT)/verify/checks/deploy-aws-check.sh
