(define (problem blockworld-1)
  (:domain blockworld)
  (:objects b1 b2 b3)
  (:init
    (arm-empty)
    (on-table b1)
    (clear b1)
    (on-table b3)
    (on b2 b3)
    (clear b2))
  (:goal (and
    (on b1 b3))))
