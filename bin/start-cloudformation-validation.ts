/**
 * Starts the CloudFormation validation's worker thread (stacks/compliance/background-validation.ts) when bin/app.ts
 * loads. bin/app.ts imports this module first because imports run before any statement of it: the modules after it
 * (the stacks, with aws-cdk-lib's, cdk-nag and cdk8s) take over a second to load, which the worker spends on the
 * other core initializing its engine, the longest part of its work before the first template.
 */
import { BackgroundCloudFormationValidation } from '../stacks/compliance/background-validation';

export const cloudFormationValidation = BackgroundCloudFormationValidation.start();
