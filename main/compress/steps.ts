// Each method's layer step, keyed like the registry of methods (methods/): what the driver runs for a configuration.
import type { CompressionMethodName } from './config.js';
import type { LayerStep } from './step.js';
import { rtnStep } from './quant/rtn.js';
import { gptqStep } from './quant/gptq.js';
import { awqStep } from './quant/awq.js';
import { smoothQuantStep } from './quant/smoothquant.js';
import { fp8Step } from './quant/fp8.js';
import { magnitudeStep } from './prune/magnitude.js';
import { wandaStep } from './prune/wanda.js';
import { sparseGptStep } from './prune/sparsegpt.js';

/** The base model: no linear is touched (its layers still report, with zero loss). */
const noStep: LayerStep = {
  groups: () => [],
  linear() {
    throw new Error('internal: method none compresses no linear');
  },
};

export const LAYER_STEPS: Readonly<Record<CompressionMethodName, LayerStep>> = {
  none: noStep,
  rtn: rtnStep,
  gptq: gptqStep,
  awq: awqStep,
  smoothquant: smoothQuantStep,
  fp8: fp8Step,
  magnitude: magnitudeStep,
  wanda: wandaStep,
  sparsegpt: sparseGptStep,
};

/** A method that gathers statistics needs calibration sequences. */
export const needsCalibration = (m: CompressionMethodName): boolean => LAYER_STEPS[m].statistic !== undefined;
