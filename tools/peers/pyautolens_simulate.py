#!/usr/bin/env python3
"""A euclid-geometry dataset simulated by PyAutoLens itself (the truth
lens of docs/lens-likelihoods.md; 71x71 at 0.1"/px, 21x21 Gaussian PSF of sigma one pixel,
exposure 300 s, sky 0.1), for a parity check of nslab's likelihood on data
nslab did not make (`af_lens.py --dataset DIR --dataset-label pyautolens-simulated
--parity-only`). Not the sampling dataset: the peers sample nslab's own.

    build/peers-venv-autolens/bin/python tools/peers/pyautolens_simulate.py --out build/peers-data/pyautolens-euclid
"""
import argparse
import os
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import numpy as np  # noqa: E402
import autolens as al  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--out", required=True)
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
ps, n = 0.1, 71
grid = al.Grid2D.uniform(shape_native=(n, n), pixel_scales=ps)
psf = al.Kernel2D.from_gaussian(shape_native=(21, 21), sigma=ps, pixel_scales=ps, normalize=True) \
    if hasattr(al, "Kernel2D") else al.Convolver.from_gaussian(shape_native=(21, 21), sigma=ps, pixel_scales=ps,
                                                               normalize=True)
ell = al.convert.ell_comps_from
lens = al.Galaxy(redshift=0.5,
                 bulge=al.lp.Sersic(centre=(0, 0), ell_comps=ell(axis_ratio=0.9, angle=45), intensity=2.0,
                                    effective_radius=0.6, sersic_index=3.0),
                 mass=al.mp.Isothermal(centre=(0, 0), ell_comps=ell(axis_ratio=0.9, angle=45), einstein_radius=1.6),
                 shear=al.mp.ExternalShear(gamma_1=0.05, gamma_2=0.05))
source = al.Galaxy(redshift=1.0, bulge=al.lp.SersicCore(centre=(0, 0), ell_comps=ell(axis_ratio=0.8, angle=60),
                                                        intensity=4.0, effective_radius=0.1, sersic_index=1.0))
simulator = al.SimulatorImaging(exposure_time=300.0, psf=psf, background_sky_level=0.1,
                                add_poisson_noise_to_data=True, noise_seed=args.seed)
dataset = simulator.via_tracer_from(tracer=al.Tracer(galaxies=[lens, source]), grid=grid)
for name, array in (("data", dataset.data), ("noise_map", dataset.noise_map),
                    ("psf", dataset.psf.kernel if hasattr(dataset.psf, "kernel") else dataset.psf)):
    al.output_to_fits(values=np.asarray(array.native), file_path=out / f"{name}.fits", overwrite=True)
print("wrote", out)
