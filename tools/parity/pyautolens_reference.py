#!/usr/bin/env python3
"""PyAutoLens reference values for nslab's imaging likelihoods (the parity oracle).

Evaluates PyAutoLens's own `FitImaging` -- through `AnalysisImaging.fit_from`,
the call the autolens_profiling search cells make -- on a PyAutoLens FITS
dataset for the cells' three imaging models (docs/parity.md), at several
parameter vectors (prior medians, the truth, seeded random prior draws), and
writes the figure of merit and its parts as small JSON under tests/data/parity/.

Two kinds of dataset:
- a PyAutoLens dataset folder with its tracer.json (shared/'s real HST data);
- `--simulated-seed N`: a folder written by `nslab simulate INSTRUMENT --seed N`,
  whose truth is the simulator's own (likelihoods/lens/simulator.cpp, built
  here as a Tracer). Its reference records the instrument, the seed and a
  checksum of each FITS file's pixel values, so a test can tell "the dataset
  differs" from "the likelihood differs".

Run it through tools/parity/make_references.sh, which builds the venv in the
build folder; CI never runs it. Nothing from PyAutoLens is copied into nslab:
only the numbers it produced are committed.

NumPy path (use_jax=False): the positive-only solve is then fnnls (an exact
active-set solver), so the references carry no interior-point tolerance.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
from astropy.io import fits

warnings.filterwarnings("ignore")

import autoarray as aa  # noqa: E402
import autofit as af  # noqa: E402
import autogalaxy as ag  # noqa: E402
import autolens as al  # noqa: E402

MASK_RADIUS = 3.5  # [arcsec], every cell
MGE_TOTAL_GAUSSIANS = 20
FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def load_dataset(path: Path, pixel_scale: float) -> al.Imaging:
    """The autolens_profiling `_build_imaging` pipeline, on any FITS dataset."""
    dataset = al.Imaging.from_fits(
        data_path=path / "data.fits",
        psf_path=path / "psf.fits",
        noise_map_path=path / "noise_map.fits",
        pixel_scales=pixel_scale,
    )
    mask = al.Mask2D.circular(
        shape_native=dataset.shape_native, pixel_scales=dataset.pixel_scales, radius=MASK_RADIUS
    )
    dataset = dataset.apply_mask(mask=mask)
    dataset = dataset.apply_over_sampling(over_sample_size_lp=4, over_sample_size_pixelization=1)
    over_sample_size = al.util.over_sample.over_sample_size_via_radial_bins_from(
        grid=dataset.grid, sub_size_list=[4, 2, 1], radial_list=[0.3, 0.6], centre_list=[(0.0, 0.0)]
    )
    return dataset.apply_over_sampling(
        over_sample_size_lp=over_sample_size, over_sample_size_pixelization=1
    )


def pixel_checksum(path: Path) -> str:
    """FNV-1a (64-bit) of a FITS image's values as little-endian float64, row
    by row in the order the file stores them (as astropy and nslab's
    read_fits_image both keep it); tests/support/parity_reference.hpp
    computes the same."""
    values = np.ascontiguousarray(fits.getdata(path), dtype="<f8")
    digest = FNV_OFFSET
    for byte in values.tobytes():
        digest = ((digest ^ byte) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{digest:016x}"


def simulator_truth() -> al.Tracer:
    """The truth `nslab simulate` images (likelihoods/lens/simulator.cpp): the
    lens and source of shared/'s HST tracer.json, written out here."""
    lens_ell = al.convert.ell_comps_from(axis_ratio=0.9, angle=45.0)
    lens = al.Galaxy(
        redshift=0.5,
        bulge=al.lp.Sersic(
            centre=(0.0, 0.0), ell_comps=lens_ell, intensity=2.0, effective_radius=0.6,
            sersic_index=3.0,
        ),
        mass=al.mp.Isothermal(centre=(0.0, 0.0), ell_comps=lens_ell, einstein_radius=1.6),
        shear=al.mp.ExternalShear(gamma_1=0.05, gamma_2=0.05),
    )
    source = al.Galaxy(
        redshift=1.0,
        bulge=al.lp.SersicCore(
            centre=(0.0, 0.0), ell_comps=al.convert.ell_comps_from(axis_ratio=0.8, angle=60.0),
            intensity=4.0, effective_radius=0.1, sersic_index=1.0, radius_break=0.025,
            gamma=0.25, alpha=3.0,
        ),
    )
    return al.Tracer(galaxies=[lens, source])


def lens_galaxy_model() -> af.Model:
    bulge = al.model_util.mge_model_from(
        mask_radius=MASK_RADIUS, total_gaussians=MGE_TOTAL_GAUSSIANS, centre_prior_is_uniform=True
    )
    return af.Model(
        al.Galaxy,
        redshift=0.5,
        bulge=bulge,
        mass=af.Model(al.mp.Isothermal),
        shear=af.Model(al.mp.ExternalShear),
    )


def build_model(model_type: str, mesh_size: int) -> af.Collection:
    lens = lens_galaxy_model()
    if model_type == "mge":
        bulge = al.model_util.mge_model_from(
            mask_radius=MASK_RADIUS,
            total_gaussians=MGE_TOTAL_GAUSSIANS,
            centre_prior_is_uniform=False,
        )
        source = af.Model(al.Galaxy, redshift=1.0, bulge=bulge)
    elif model_type == "pixelization":
        # The per-axis rank-CDF adaptive rectangular mesh with bilinear
        # weights -- PyAutoArray's RectangularBilinearAdaptImage since the
        # Bilinear/RTU split (the pre-split RectangularAdaptImage name).
        pixelization = af.Model(
            al.Pixelization,
            mesh=al.mesh.RectangularBilinearAdaptImage(
                shape=(mesh_size, mesh_size), weight_power=1.0, weight_floor=0.0
            ),
            regularization=al.reg.Constant,
        )
        source = af.Model(al.Galaxy, redshift=1.0, pixelization=pixelization)
    elif model_type == "delaunay":
        pixelization = af.Model(
            al.Pixelization,
            mesh=al.mesh.Delaunay(pixels=mesh_size, areas_factor=0.5, zeroed_pixels=0),
            regularization=al.reg.ConstantSplit,
        )
        source = af.Model(al.Galaxy, redshift=1.0, pixelization=pixelization)
    else:
        raise ValueError(model_type)
    return af.Collection(galaxies=af.Collection(lens=lens, source=source))


def adapt_images_for(model_type: str, mesh_size: int, dataset: al.Imaging, truth: al.Tracer):
    """The truth source's lensed image, PSF-blurred, on the masked grid."""
    if model_type == "mge":
        return None
    images = truth.blurred_image_2d_list_from(
        grid=dataset.grids.lp, blurring_grid=dataset.grids.blurring, psf=dataset.psf
    )
    adapt_image = images[-1]
    key = "('galaxies', 'source')"
    extra = {}
    if model_type == "delaunay":
        image_mesh = al.image_mesh.Hilbert(pixels=mesh_size, weight_power=1.0, weight_floor=0.0)
        extra["galaxy_name_image_plane_mesh_grid_dict"] = {
            key: image_mesh.image_plane_mesh_grid_from(mask=dataset.mask, adapt_data=adapt_image)
        }
    return al.AdaptImages(galaxy_name_image_dict={key: adapt_image}, **extra)


def truth_vector(model_type: str, truth: al.Tracer, coefficient: float) -> list[float]:
    """The truth lens in the cell's parameter order (source MGE: the truth
    source's centre and ellipticity; pixelized: a chosen coefficient)."""
    lens, source = truth.galaxies[0], truth.galaxies[1]
    vector = [
        *lens.bulge.centre, *lens.bulge.ell_comps,
        *lens.mass.centre, *lens.mass.ell_comps, lens.mass.einstein_radius,
        lens.shear.gamma_1, lens.shear.gamma_2,
    ]
    if model_type == "mge":
        vector += [*source.bulge.centre, *source.bulge.ell_comps]
    else:
        vector += [coefficient]
    return [float(v) for v in vector]


def ellipticities_valid(model: af.Collection, vector) -> bool:
    """PyAutoGalaxy refuses |e| >= 1 on its NumPy path; draws that hit it are redrawn."""
    instance = model.instance_from_vector(vector=list(vector))
    lens = instance.galaxies.lens
    ell = [lens.bulge.profile_list[0].ell_comps, lens.mass.ell_comps]
    if hasattr(instance.galaxies.source, "bulge"):
        ell.append(instance.galaxies.source.bulge.profile_list[0].ell_comps)
    return all(e[0] ** 2 + e[1] ** 2 < 1.0 for e in ell)


# The draws tools/peers/af_lens_bench.py times PyAutoLens's JAX likelihood at
# and checks against `nslab eval`: seeded, from the central 40 % of every prior.
TIMING_SEED = 11


def timing_points(model, count: int) -> list:
    rng = np.random.default_rng(TIMING_SEED)
    return [model.vector_from_unit_vector(list(rng.uniform(0.3, 0.7, model.prior_count)))
            for _ in range(count)]


def parameter_points(model, model_type, truth, n_random, seed, n_timing=0):
    n = model.prior_count
    points = [("prior_median", model.vector_from_unit_vector([0.5] * n))]
    points.append(("truth", truth_vector(model_type, truth, coefficient=10.0)))
    rng = np.random.default_rng(seed)
    drawn = 0
    while drawn < n_random:
        vector = model.vector_from_unit_vector(list(rng.uniform(0.02, 0.98, size=n)))
        if not ellipticities_valid(model, vector):
            continue
        drawn += 1
        points.append((f"random_{drawn}", vector))
    # The timing draws too: where the bench's value check once disagreed
    # (docs/parity.md, "PyAutoLens's JAX path"), the references hold the
    # NumPy path's answer.
    for index, vector in enumerate(timing_points(model, n_timing), start=1):
        points.append((f"timing_{index}", vector))
    return [(label, [float(v) for v in vector]) for label, vector in points]


def fit_parts(fit) -> dict:
    parts = {
        "figure_of_merit": float(fit.figure_of_merit),
        "log_likelihood": float(fit.log_likelihood),
        "chi_squared": float(fit.chi_squared),
        "noise_normalization": float(fit.noise_normalization),
    }
    inversion = fit.inversion
    if inversion is not None:
        reconstruction = np.asarray(inversion.reconstruction)
        parts["linear_parameters"] = int(reconstruction.shape[0])
        parts["reconstruction_sum"] = float(np.sum(reconstruction))
        parts["reconstruction_zeros"] = int(np.sum(reconstruction == 0.0))
        if inversion.has(cls=aa.AbstractRegularization):
            parts["regularization_term"] = float(inversion.regularization_term)
            parts["log_det_curvature_reg_matrix_term"] = float(
                inversion.log_det_curvature_reg_matrix_term
            )
            parts["log_det_regularization_matrix_term"] = float(
                inversion.log_det_regularization_matrix_term
            )
            parts["log_evidence"] = float(fit.log_evidence)
    return parts


def dataset_identity(args, dataset: al.Imaging) -> dict:
    """What identifies the dataset a reference was made from."""
    identity = {
        "instrument": args.instrument,
        "pixel_scale": args.pixel_scale,
        "mask_radius": MASK_RADIUS,
        "masked_pixels": int(dataset.mask.pixels_in_mask),
        "over_sampled_pixels": int(np.sum(np.asarray(dataset.grids.lp.over_sample_size) ** 2)),
        "blurring_pixels": int(dataset.grids.blurring.shape[0]),
    }
    if args.simulated_seed is not None:
        identity["simulator"] = {"command": "nslab simulate", "seed": args.simulated_seed}
        identity["pixel_checksums_fnv1a64"] = {
            name: pixel_checksum(args.dataset / f"{name}.fits")
            for name in ("data", "noise_map", "psf")
        }
    return identity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument(
        "--pixel-scale", type=float, default=None,
        help="[arcsec/pixel]; default the PIXSCALE keyword of data.fits (nslab simulate writes it)",
    )
    parser.add_argument("--instrument", default="hst")
    parser.add_argument(
        "--simulated-seed", type=int, default=None,
        help="the dataset is `nslab simulate INSTRUMENT --seed N`'s (its truth is the simulator's)",
    )
    parser.add_argument("--models", default="mge,pixelization,delaunay")
    parser.add_argument("--rectangular-side", type=int, default=39, help="pixelization mesh side")
    parser.add_argument("--delaunay-pixels", type=int, default=1500, help="Hilbert image-mesh size")
    parser.add_argument("--random", type=int, default=3, help="random prior draws per model")
    parser.add_argument("--seed", type=int, default=20260826)
    parser.add_argument("--timing-points", type=int, default=2,
                        help="of tools/peers/af_lens_bench.py's draws (its value check's first ones)")
    parser.add_argument("--out", type=Path, required=True, help="folder for <instrument>_<model>.json")
    args = parser.parse_args()
    # PyAutoArray caps datasets and mesh shapes under this variable: a capped
    # reference would describe another model than the one named.
    if os.environ.get("PYAUTO_SMALL_DATASETS") == "1":
        parser.error("unset PYAUTO_SMALL_DATASETS: it shrinks the meshes and datasets")

    if args.pixel_scale is None:
        header = fits.getheader(args.dataset / "data.fits")
        if "PIXSCALE" not in header:
            parser.error("data.fits has no PIXSCALE keyword: give --pixel-scale")
        args.pixel_scale = float(header["PIXSCALE"])
    dataset = load_dataset(args.dataset, args.pixel_scale)
    if args.simulated_seed is not None:
        truth = simulator_truth()
    else:
        truth = al.from_json(file_path=args.dataset / "tracer.json")
    identity = dataset_identity(args, dataset)
    args.out.mkdir(parents=True, exist_ok=True)
    for model_type in args.models.split(","):
        mesh_size = {"pixelization": args.rectangular_side, "delaunay": args.delaunay_pixels}.get(
            model_type, 0
        )
        model = build_model(model_type, mesh_size)
        pixelized = model_type != "mge"
        analysis = al.AnalysisImaging(
            dataset=dataset,
            adapt_images=adapt_images_for(model_type, mesh_size, dataset, truth),
            settings=al.Settings(use_border_relocator=pixelized),
            raise_inversion_positions_likelihood_exception=False,
            use_jax=False,
        )
        records = []
        for label, vector in parameter_points(model, model_type, truth, args.random, args.seed,
                                             args.timing_points):
            instance = model.instance_from_vector(vector=vector)
            start = time.perf_counter()
            try:
                parts = fit_parts(analysis.fit_from(instance=instance))
            except Exception as error:  # a failed inversion is itself a reference
                parts = {"error": f"{type(error).__name__}: {error}"[:300]}
            parts["wall_s"] = round(time.perf_counter() - start, 3)
            records.append({"label": label, "parameters": vector, **parts})
            print(model_type, label, parts, flush=True)
        document = {
            "schema": "nslab.parity/1",
            "oracle": {
                "autolens": al.__version__,
                "autogalaxy": ag.__version__,
                "autoarray": aa.__version__,
                "autofit": af.__version__,
                "numpy": np.__version__,
                "python": platform.python_version(),
                "path": "AnalysisImaging(use_jax=False).fit_from",
            },
            "dataset": identity,
            "model": model_type,
            "parameter_paths": [".".join(path) for path in model.unique_prior_paths],
            "points": records,
        }
        if pixelized:
            document["mesh_size"] = mesh_size
        path = args.out / f"{args.instrument}_{model_type}.json"
        path.write_text(json.dumps(document, indent=1, allow_nan=True) + "\n")
        print("wrote", path, flush=True)


if __name__ == "__main__":
    main()
