/**
 * Convolutional encoders and decoders of the DNN-generator experiments (Fashion-MNIST, CelebA; protocol §3.1–3.2),
 * with the conv ops that train on every backend, PyTorch-default initialisation, batch norm with running
 * statistics, PyTorch-exact Adam with coupled weight decay, and the `ConvVsc` model that ties them to the latent
 * layer of `../latent.ts`. Tensors are NHWC throughout (tfjs's conv layout).
 *
 * @module
 */
export { conv2d, convTranspose2d, fromHwnc, toHwnc } from "./conv_ops.ts";
export { applyBatchNormUpdates, BatchNorm, type BatchNormUpdate, Conv, Linear } from "./layers.ts";
export {
  type Architecture,
  architectureFor,
  CELEBA_ARCH,
  type ConvBlock,
  FMNIST_ARCH,
} from "./architectures.ts";
export { ConvDecoder, ConvEncoder } from "./conv_nets.ts";
export { Adam, type AdamOptions } from "./adam.ts";
export {
  type ConvEncoded,
  type ConvStepStats,
  ConvVsc,
  type ConvVscConfig,
  defaultConvVscConfig,
} from "./conv_vsc.ts";
