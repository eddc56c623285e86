/** Generic building blocks on DJL arrays shared by the model parts (RMSNorm, linear layers, activations, scoping). */
package dev.hart.model.nn;
