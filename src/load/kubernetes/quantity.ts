/** Kubernetes resource quantities: the model's parser (src/model/quantity.ts), where the loader has always found it. */
export { parseQuantity, toModelUnits } from "../../model/quantity.js";
